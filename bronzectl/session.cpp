#include "bronzectl/session.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "base/error.h"
#include "client_config/client_config.h"
#include "pki/fingerprint.h"
#include "pki/pki.h"

namespace bronze::ctl {

std::string default_config_path() {
  if (const char* set = std::getenv("BRONZECONFIG"); set && *set) return set;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.bronze/config";
}

namespace {

std::string utc(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

// The node would refuse the handshake anyway; saying why here is clearer
// than the closed connection the client would see.
void check_validity(const std::string& crt, const std::string& path) {
  auto certificate = config::Certificate::from_pem(crt);
  auto now = std::chrono::system_clock::now();
  if (certificate.not_after() < now) {
    throw Error("the client certificate in " + path + " (" + certificate.common_name() + ") expired on " +
                utc(certificate.not_after()) +
                "; make a new one with `bronzectl gen cert --role os:admin --machine-config FILE -o FILE`");
  }
  if (certificate.not_before() > now) {
    throw Error("the client certificate in " + path + " is valid only from " + utc(certificate.not_before()) +
                "; check this machine's clock");
  }
}

}  // namespace

Session open_session(const GlobalOptions& options) {
  std::string path = options.config_path.empty() ? default_config_path() : options.config_path;
  if (!std::filesystem::exists(path)) {
    throw Error("no client config at " + path +
                "; make one with `bronzectl gen config` and pass it with --bronzeconfig FILE (or set BRONZECONFIG)");
  }
  auto config = config::load_client_config(path);
  const auto& context = config.select(options.context);
  check_validity(context.crt, path);
  Session session;
  session.identity = {context.ca, context.crt, context.key};
  session.json = options.json;
  session.targets = !options.nodes.empty()     ? options.nodes
                    : !options.endpoints.empty() ? options.endpoints
                    : !context.nodes.empty()     ? context.nodes
                                                 : context.endpoints;
  if (session.targets.empty()) {
    throw Error("no node to talk to: the context in " + path + " has no endpoints or nodes; give them with -e or -n");
  }
  return session;
}

Session open_insecure_session(const GlobalOptions& options, const MaintenanceOptions& maintenance) {
  Session session;
  session.insecure = true;
  if (!maintenance.cert_fingerprint.empty()) {
    session.cert_fingerprint = config::parse_fingerprint(maintenance.cert_fingerprint);
  }
  session.token = maintenance.token;
  session.json = options.json;
  session.targets = !options.nodes.empty() ? options.nodes : options.endpoints;
  if (session.targets.empty()) {
    throw Error("no node to talk to: name it with -n NODE (with --insecure no client config is read)");
  }
  return session;
}

std::string maintenance_refusal(const Connection& c) {
  if (!c.certificate || !c.certificate->refused()) return "";
  return "refused " + c.target + " before sending anything: its certificate has SHA-256 fingerprint " +
         config::colon_fingerprint(c.certificate->seen()) + ", not " +
         config::colon_fingerprint(c.certificate->expected()) +
         " (--cert-fingerprint); is it the machine whose console you read?";
}

std::string maintenance_warning(const Session& session, const Connection& c) {
  if (!c.certificate || !c.certificate->expected().empty() || c.certificate->seen().empty()) return "";
  return std::string("the node's certificate was not verified (--insecure without --cert-fingerprint), so ") +
         (session.token.empty() ? "what was sent" : "what was sent, the token too,") +
         " may have gone to another machine. It has SHA-256 fingerprint " +
         config::colon_fingerprint(c.certificate->seen()) +
         "; compare it with the one the node's console shows, and pass it with --cert-fingerprint to have it checked";
}

}  // namespace bronze::ctl
