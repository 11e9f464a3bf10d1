/* A library an attacker would put into an installer image in place of one
 * the installer loads: its constructor leaves a mark before the installer's
 * main runs. It needs libbronze-genuine.so, the real library copied under
 * that name, which supplies the symbols, so that loading succeeds. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void leave_a_mark(void) {
  const char* line = "foreign library ran\n";
  int fd = open(BRONZE_TAMPER_MARKER, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    if (write(fd, line, strlen(line)) < 0) return;
    close(fd);
  }
}
