/* What an attacker would put into an installer image in place of the
 * installer or its ELF loader: it leaves a mark where the tamper suite
 * looks, so that the suite can prove it never ran. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  const char* line = "foreign program ran\n";
  int fd = open(BRONZE_TAMPER_MARKER, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    if (write(fd, line, strlen(line)) < 0) return 1;
    close(fd);
  }
  return 0;
}
