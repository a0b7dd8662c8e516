// Fuzz target: the rules loader (Rules::load), which reads user-supplied rules
// directories (--rules DIR) on top of the built-in rules/.
//
// Input: the first byte is a separator; the rest, split on it into at most 7
// parts, becomes agents.rules, referrers.rules, params.rules, xrw.rules,
// landing.rules, assets.rules and weights.rules (in that order) of a temporary
// directory; files past the last part are absent. The directory is loaded on
// top of the real rules/ (DARKSCAN_SOURCE_RULES_DIR) when the separator is
// below 0x80. Compiling the ~600 real patterns takes tens of milliseconds under
// the sanitizers, so a separator from 0x80 up loads it on top of a small base
// directory instead (a few rules, with ids from the real files), which runs
// about ten times faster and exercises the same parsing and merging. Bad rules
// must be refused with darkscan::Error; rules that load are matched against a
// few strings, then decide a small fixed log (previews, in-app browsers, mail,
// search, tags, X-Requested-With, assets, bots), whose --hits records and
// reports in every format are checked as in fuzz_pipeline: ids and app names
// come from the rules files and end up in JSON, TSV, CSV and the table.
#include "report_checks.hpp"

#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/visits/analyzer.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/classify/rules.hpp>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 7> k_files = {"agents.rules",  "referrers.rules", "params.rules", "xrw.rules",
                                                "landing.rules", "assets.rules",    "weights.rules"};

void write_file(const std::string& path, std::string_view content) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(content.data(), 1, content.size(), f) != content.size() || std::fclose(f) != 0) {
    std::perror(("fuzz_rules_loader: " + path).c_str());
    std::abort();
  }
}

// The small base directory: every file, a few rules each (ids from rules/).
constexpr std::array<std::string_view, 7> k_small_base = {
    "ua.preview.whatsapp preview whatsapp ^WhatsApp/\n"
    "ua.inapp.messenger messaging messenger \\bFB_IAB/MESSENGER\n"
    "ua.bot.generic bot - (?i)bot\\b|crawler|spider\n",
    "ref.mail.gmail mail gmail ^(mail|inbox)\\.google\\.com$\n"
    "ref.search.google search google ^(www\\.)?google\\.[a-z.]+$\n",
    "tag.private.whatsapp dark_social whatsapp utm_source (?i)^whatsapp$\n"
    "tag.campaign.utm campaign - utm_source *\n",
    "xrw.messaging.telegram messaging telegram ^org\\.telegram\\.messenger$\n",
    "^/$\n^/[a-z]{2}/$\n",
    "ext css js png\npath ^/static/\n",
    "inapp_messaging 1.0\ntagged_private 1.0\nmail 0.9\ninapp_social_noref 0.6\n"
    "direct_deep_after_preview 1.0\ndirect_deep_new 0.8\ndirect_deep_returning 0.4\ndirect_landing 0\n"
    "direct_deep_after_mixed_preview 0.7\ndirect_deep_after_preview_late 0.75\n",
};

struct Dirs {
  std::string small_base; // k_small_base
  std::string user;       // rewritten for each input
};

constexpr std::string_view k_dir_prefix = "darkscan-fuzz-rules-";

// Removes the directories of earlier processes that are gone: libFuzzer ends
// crashing inputs, -fork jobs and -minimize_crash runs without running atexit().
// Names are <prefix><pid>-XXXXXX.
void remove_stale_dirs(const std::string& tmp) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(tmp, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, k_dir_prefix.size(), k_dir_prefix) != 0) continue;
    const long pid = std::strtol(name.c_str() + k_dir_prefix.size(), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
  }
}

// The temporary directories: created once per process, removed at exit.
const Dirs& dirs() {
  static const Dirs d = [] {
    const char* env = std::getenv("TMPDIR");
    const std::string tmp = env && *env ? env : "/tmp";
    remove_stale_dirs(tmp);
    std::string root = tmp + "/" + std::string(k_dir_prefix) + std::to_string(::getpid()) + "-XXXXXX";
    if (::mkdtemp(root.data()) == nullptr) {
      std::perror("fuzz_rules_loader: mkdtemp");
      std::abort();
    }
    Dirs out{root + "/base", root + "/user"};
    fs::create_directory(out.small_base);
    fs::create_directory(out.user);
    for (std::size_t i = 0; i < k_files.size(); ++i) write_file(out.small_base + "/" + k_files[i], k_small_base[i]);
    static const std::string remove = root;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(remove, ec);
    });
    return out;
  }();
  return d;
}

constexpr std::string_view k_agents[] = {
    "WhatsApp/2.23.20.0 A",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "[FBAN/MessengerForiOS;FBAV/435.0.0.36.109]",
    "facebookexternalhit/1.1 Facebot Twitterbot/1.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "curl/8.4.0",
    "",
    "\xff\xfe\x00\x01 binary \x1b[31m",
};
constexpr std::string_view k_hosts[] = {"mail.google.com", "android-app:com.google.android.gm", "www.google.co.uk",
                                        "l.facebook.com",  "t.co",
                                        "",                "\xc3\xa9xample.com"};
constexpr std::string_view k_queries[] = {"utm_source=whatsapp&utm_medium=share",
                                          "fbclid=abc123",
                                          "a=1&b=2&UTM_SOURCE=Telegram",
                                          "=&&=x&utm_source",
                                          ""};
constexpr std::string_view k_packages[] = {"org.telegram.messenger", "com.android.chrome", "XMLHttpRequest", ""};
constexpr std::string_view k_paths[] = {"/",           "/index.html",  "/fr/",         "/2026/11/a-long-article",
                                        "/static/app.JS", "/img/a.webp", "/a.verylongextensionname17", "", "."};

// The fixed log: an Apache format with X-Requested-With, so that every rules
// file takes part ("%v %h %l %u %t \"%m %U%q %H\" %>s %b \"%{Referer}i\"
// \"%{User-Agent}i\" \"%{X-Requested-With}i\" %D").
constexpr std::string_view k_log[] = {
    R"x(www.example.com 2a03:2880::1 - - [20/Nov/2026:08:15:00 +0100] "GET /news/a HTTP/1.1" 200 5 "-" "WhatsApp/2.23.20.0 A" "-" 10)x",
    R"x(www.example.com 2a03:2880::2 - - [20/Nov/2026:08:15:01 +0100] "GET /news/a HTTP/1.1" 200 5 "-" "facebookexternalhit/1.1 Facebot Twitterbot/1.0" "-" 10)x",
    R"x(www.example.com 41.58.1.2 - - [20/Nov/2026:08:15:02 +0100] "GET /news/a HTTP/1.1" 200 5 "-" "Mozilla/5.0 (iPhone) Mobile/15E148 [FBAN/MessengerForiOS;FB_IAB/MESSENGER]" "-" 10)x",
    R"x(www.example.com 41.58.1.2 - - [20/Nov/2026:08:15:03 +0100] "GET /static/app.css HTTP/1.1" 200 5 "https://www.example.com/news/a" "Mozilla/5.0 (iPhone) Mobile/15E148 [FBAN/MessengerForiOS;FB_IAB/MESSENGER]" "-" 10)x",
    R"x(www.example.com 41.58.1.3 - - [20/Nov/2026:08:15:04 +0100] "GET /news/b HTTP/1.1" 200 5 "https://mail.google.com/mail/u/0/" "Mozilla/5.0 (Windows NT 10.0) Chrome/141.0" "-" 10)x",
    R"x(www.example.com 41.58.1.4 - - [20/Nov/2026:08:15:05 +0100] "GET / HTTP/1.1" 200 5 "https://www.google.com/" "Mozilla/5.0 (X11; Linux) Firefox/140.0" "-" 10)x",
    R"x(www.example.com 41.58.1.5 - - [20/Nov/2026:08:15:06 +0100] "GET /news/c?utm_source=whatsapp&utm_medium=share HTTP/1.1" 200 5 "-" "Mozilla/5.0 (Android 14) Chrome/141.0 Mobile" "-" 10)x",
    R"x(www.example.com 41.58.1.6 - - [20/Nov/2026:08:15:07 +0100] "GET /news/d?fbclid=IwAR0 HTTP/1.1" 200 5 "https://l.facebook.com/" "Mozilla/5.0 (Android 14) Chrome/141.0 Mobile" "-" 10)x",
    R"x(www.example.com 41.58.1.7 - - [20/Nov/2026:08:15:08 +0100] "GET /news/e HTTP/1.1" 200 5 "android-app://com.google.android.gm/" "Mozilla/5.0 (Android 14; wv) Chrome/141.0 Mobile" "org.telegram.messenger" 10)x",
    R"x(www.example.com 41.58.1.8 - - [20/Nov/2026:08:15:09 +0100] "GET /fr/ HTTP/1.1" 200 5 "-" "Mozilla/5.0 (Macintosh) Safari/605.1.15" "com.android.chrome" 10)x",
    R"x(www.example.com 66.249.66.1 - - [20/Nov/2026:08:15:10 +0100] "GET /news/a HTTP/1.1" 200 5 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" "-" 10)x",
    R"x(www.example.com 41.58.1.9 - - [20/Nov/2026:08:15:11 +0100] "GET /news/a HTTP/1.1" 200 5 "-" "Mozilla/5.0 (Android 14) Chrome/141.0 Mobile" "-" 10)x",
};

const darkscan::LogFormat& log_format() {
  static const darkscan::LogFormat format = darkscan::LogFormat::compile(
      R"(%v %h %l %u %t \"%m %U%q %H\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" \"%{X-Requested-With}i\" %D)");
  return format;
}

// Decides the fixed log with `rules` and checks the hit records and reports.
void decide_log(const darkscan::Rules& rules, bool hits_tsv) {
  darkscan::Aggregate aggregate;
  std::string records;
  darkscan::fuzz::CheckedHits hits(aggregate, hits_tsv, records);
  darkscan::Analyzer analyzer(rules, {}, hits, [](const darkscan::Message&) {});
  darkscan::ScanTotals totals;
  for (std::string_view line : k_log) {
    darkscan::Hit hit;
    darkscan::ParseError error;
    if (!log_format().parse(line, hit, error)) {
      std::fprintf(stderr, "fuzz_rules_loader: fixed line does not parse: %s\n", error.reason);
      std::abort();
    }
    hit.file = "fixed.log";
    ++totals.lines;
    ++totals.parsed;
    analyzer.add(hit);
  }
  analyzer.finish();
  darkscan::ReportData data{totals,
                            aggregate,
                            {{"", &aggregate}},
                            false,
                            static_cast<std::size_t>(-1),
                            0,
                            "fuzz",
                            analyzer.site_hosts(),
                            {},
                            rules.weights(),
                            rules.settings(),
                            {},
                            std::nullopt,
                            std::nullopt,
                            std::nullopt,
                            {},
                            rules.public_apps()};
  data.fit(); // as a report is made: the site model fitted, the pages weighed once
  darkscan::fuzz::render_and_check(data);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string& dir = dirs().user;
  const char separator = static_cast<char>(data[0]);
  const std::string base = data[0] < 0x80 ? std::string(DARKSCAN_SOURCE_RULES_DIR) : dirs().small_base;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (std::size_t i = 0; i < k_files.size(); ++i) {
    const std::string path = dir + "/" + k_files[i];
    if (rest.data() == nullptr) {
      std::error_code ec;
      fs::remove(path, ec);
      continue;
    }
    const std::size_t at = i + 1 < k_files.size() ? rest.find(separator) : std::string_view::npos;
    write_file(path, rest.substr(0, at));
    rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + 1);
  }

  darkscan::Rules rules;
  try {
    rules = darkscan::Rules::load({base, dir});
  } catch (const darkscan::Error&) {
    return 0; // refused, as it should be for bad rules
  }

  volatile std::size_t sink = 0;
  auto use = [&](const darkscan::Rule* rule) {
    if (rule) sink = sink + rule->id.size() + rule->app.size() + rule->pattern.size() + rule->origin.size();
  };
  for (std::string_view ua : k_agents) use(rules.match_agent(ua));
  for (std::string_view host : k_hosts) use(rules.match_referrer(host));
  for (std::string_view query : k_queries) use(rules.match_query(query));
  for (std::string_view package : k_packages) use(rules.match_package(package));
  for (std::string_view path : k_paths) sink = sink + rules.is_landing(path) + rules.is_asset(path);
  for (std::size_t e = 0; e < darkscan::k_evidence_count; ++e) {
    const double w = rules.weight(static_cast<darkscan::Evidence>(e));
    darkscan::fuzz::require(w >= 0.0 && w <= 1.0, "a loaded weight is outside 0..1", "", 0);
  }
  for (const auto& [file, count] : rules.counts()) sink = sink + file.size() + count;
  sink = sink + rules.agents().size();
  decide_log(rules, size % 2 == 1);
  return 0;
}
