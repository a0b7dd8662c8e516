// What an input is when it is plainly not an access log: a binary file, UTF-16 text, a zip or tar
// archive, a web page, an nginx or Apache error log (presets.hpp).
#include <darkscan/common/i18n.hpp>
#include <darkscan/parse/presets.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace darkscan {

namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// nginx's error log: "2026/11/20 08:00:01 [error] 1234#0: ..." (ngx_log_error_core).
bool nginx_error_line(std::string_view l) {
  return digits(l, 0, 4) && l.size() > 21 && l[4] == '/' && digits(l, 5, 2) && l[7] == '/' &&
         digits(l, 8, 2) && l[10] == ' ' && digits(l, 11, 2) && l[13] == ':' && l[16] == ':' &&
         l[19] == ' ' && l[20] == '[';
}

// Apache's error log: "[Fri Nov 20 08:00:01.123456 2026] [core:error] [pid 1234] ...".
bool apache_error_line(std::string_view l) {
  return l.size() > 30 && l[0] == '[' && l[4] == ' ' && l[8] == ' ' &&
         l.find("] [") != std::string_view::npos && l.find("] [") < 40;
}

} // namespace

namespace {

// Why `sample` is a binary file's lines, or nullptr.
// True when `line` is UTF-16 text: a byte-order mark, or most bytes of one parity NUL (ASCII in
// UTF-16: "1\0" "2\0" ...).
bool utf16_text(const std::string& line) {
  if (line.size() >= 2 &&
      ((line[0] == '\xFF' && line[1] == '\xFE') || (line[0] == '\xFE' && line[1] == '\xFF')))
    return true;
  std::size_t nul[2] = {0, 0};
  for (std::size_t i = 0; i < line.size(); ++i)
    nul[i % 2] += line[i] == '\0';
  const std::size_t half = line.size() / 2;
  return half >= 8 && std::max(nul[0], nul[1]) * 10 >= half * 9 && std::min(nul[0], nul[1]) * 10 <= half;
}

const char* binary_problem(const std::vector<std::string>& sample) {
  // A log saved in UTF-16 (Windows tools do): "binary" told the user nothing to do (a review,
  // 2026-12-07).
  for (const std::string& line : sample) {
    if (line.empty()) continue;
    if (utf16_text(line))
      return N_(
          "'{}' is in UTF-16, not UTF-8 or ASCII as access logs are: convert it first (iconv -f UTF-16 -t "
          "UTF-8 FILE | darkscan -)");
    break;
  }
  std::size_t bytes = 0, controls = 0;
  for (const std::string& line : sample) {
    bytes += line.size();
    for (const char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if (u == 0) return N_("'{}' is a binary file (it holds NUL bytes), not an access log");
      controls += u < 0x20 && u != '\t' && u != '\r';
    }
  }
  if (controls * 10 > bytes)
    return N_("'{}' is a binary file (one byte in ten is a control byte), not an access log");
  return nullptr;
}

} // namespace

bool looks_binary(const std::vector<std::string>& sample) { return binary_problem(sample) != nullptr; }

const char* archive_problem(const std::vector<std::string>& sample) {
  // access.log.tar.gz caught by access.log*: its first header holds "ustar" at byte 257, and the
  // log inside it was read as a log, counted again (a review, 2026-12-07).
  if (!sample.empty() && sample.front().size() >= 262 && sample.front().compare(257, 5, "ustar") == 0)
    return N_(
        "'{}' is a tar archive, not an access log: give the files it holds (tar -xOf FILE | darkscan -)");
  // A zip of logs (cPanel's and Plesk's downloads, Windows' "send to compressed folder") or a
  // spreadsheet (xlsx is a zip), stored or deflated: a stored one's log was read as a log (a review of
  // the fix): "binary" told a first-time user nothing to do (a review, 2026-12-07).
  if (!sample.empty() && sample.front().compare(0, 4, std::string_view("PK\x03\x04", 4)) == 0)
    return N_(
        "'{}' is a zip archive (or a file made of one, as .xlsx is), not an access log: unzip it and give "
        "the logs it holds (unzip -p FILE | darkscan -)");
  return nullptr;
}

const char* not_an_access_log(const std::vector<std::string>& sample) {
  std::size_t lines = 0, nginx = 0, apache = 0;
  for (const std::string& line : sample) {
    if (line.empty()) continue;
    ++lines;
    nginx += nginx_error_line(line);
    apache += apache_error_line(line);
  }
  if (lines == 0) return nullptr;
  if (const char* binary = binary_problem(sample)) return binary;
  // A web page saved instead of the log (a panel's page, a browser's "save as"): "give the format with
  // --log-format" told a first-time user nothing to do (a review, 2026-12-07).
  for (const std::string& line : sample) {
    const std::size_t start = line.find_first_not_of(" \t\xEF\xBB\xBF");
    if (start == std::string::npos) continue;
    std::string head = line.substr(start, 14);
    for (char& c : head)
      c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (head.rfind("<!doctype html", 0) == 0 // not for translation: markup
        || head.rfind("<html", 0) == 0 || head.rfind("<?xml", 0) == 0)
      return N_(
          "'{}' is a web page (HTML or XML), not an access log: download the raw access log (in cPanel: "
          "Metrics, Raw Access; in Plesk: Logs) or give the file your web server writes");
    break;
  }
  if (nginx * 2 > lines)
    return N_(
        "'{}' is an nginx error log (\"2026/11/20 08:00:01 [error] ...\"), not an access log: give the file "
        "that nginx's access_log directive names (e.g. /var/log/nginx/access.log)");
  if (apache * 2 > lines)
    return N_(
        "'{}' is an Apache error log (\"[Fri Nov 20 08:00:01 2026] [core:error] ...\"), not an access log: "
        "give the file that Apache's CustomLog directive names (e.g. /var/log/apache2/access.log)");
  return nullptr;
}

} // namespace darkscan
