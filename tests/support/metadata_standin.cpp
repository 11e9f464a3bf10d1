#include "tests/support/metadata_standin.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace bronze::test {

namespace {

HttpReply text(int status, std::string body) {
  HttpReply r;
  r.status = status;
  r.headers = {{"Content-Type", "text/plain"}};
  r.body = std::move(body);
  return r;
}

HttpReply file_or_404(const MetadataStandIn& s, const std::string& path) {
  auto it = s.files.find(path);
  if (it == s.files.end()) return text(404, "Not Found");
  return text(200, it->second);
}

}  // namespace

HttpReply answer_metadata(const MetadataStandIn& s, const HttpRequest& request) {
  std::string path = request.target.substr(0, request.target.find('?'));
  if (s.platform == "aws") {
    // IMDSv2: a token for a PUT that names its lifetime; nothing without it.
    if (path == "/latest/api/token") {
      if (request.method != "PUT") return text(405, "Method Not Allowed");
      if (request.header("x-aws-ec2-metadata-token-ttl-seconds").empty()) return text(400, "Bad Request");
      return text(200, s.imds_token);
    }
    if (request.header("x-aws-ec2-metadata-token") != s.imds_token) return text(401, "Unauthorized");
    if (request.method != "GET") return text(405, "Method Not Allowed");
    return file_or_404(s, path);
  }
  if (s.platform == "gcp") {
    if (request.header("metadata-flavor") != "Google") return text(403, "Missing Metadata-Flavor:Google header.");
    HttpReply r = file_or_404(s, path);
    r.headers.push_back({"Metadata-Flavor", "Google"});
    return r;
  }
  if (s.platform == "azure") {
    // The wireserver (168.63.129.16): the goal state for a GET, a health
    // report taken for a POST; both name the protocol version.
    if (path == "/machine/" || path == "/machine") {
      if (request.header("x-ms-version").empty()) return text(400, "x-ms-version is required");
      if (request.method == "GET" && request.target == "/machine/?comp=goalstate") return file_or_404(s, "wireserver:goalstate");
      if (request.method == "POST" && request.target == "/machine?comp=health") return text(200, "");
      return text(404, "Not Found");
    }
    // IMDS: the Metadata header and an api-version, or 400 as Azure answers.
    if (request.header("metadata") != "true") return text(400, "Bad request. Required metadata header not specified");
    if (request.target.find("api-version=") == std::string::npos) {
      return text(400, "Bad request. api-version was not specified in the request");
    }
    if (request.method != "GET") return text(405, "Method Not Allowed");
    return file_or_404(s, path);
  }
  if (request.method != "GET") return text(405, "Method Not Allowed");
  return file_or_404(s, path);
}

void serve_one_request(const MetadataStandIn& standin, int in, int out) {
  // Headers up to the blank line; metadata requests carry no body.
  std::string head;
  char c;
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536 && ::read(in, &c, 1) == 1) head += c;
  HttpRequest request;
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  std::istringstream first(line);
  first >> request.method >> request.target;
  while (std::getline(lines, line) && line != "\r") {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
    request.headers[name] = value;
  }
  HttpReply reply = answer_metadata(standin, request);
  std::string response = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
  for (const auto& [name, value] : reply.headers) response += name + ": " + value + "\r\n";
  response += "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n" + reply.body;
  for (size_t done = 0; done < response.size();) {
    ssize_t n = ::write(out, response.data() + done, response.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace bronze::test
