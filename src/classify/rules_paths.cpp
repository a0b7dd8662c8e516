#include <darkscan/classify/rule_family.hpp>
#include <darkscan/classify/rule_file.hpp>
#include <darkscan/classify/rules_reading.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/util/find_bytes.hpp>
#include <darkscan/util/text.hpp>

#include <algorithm>
#include <bit>
#include <filesystem>

namespace darkscan {

namespace fs = std::filesystem;

namespace {

// One rule per line of `path`, a pattern with no id of its own: its id is `prefix` and its origin.
std::vector<Rule> pattern_lines(const std::string& path, const std::string& prefix) {
  std::vector<Rule> rules;
  for (RuleLine& line : read_rule_file(path, 1)) {
    Rule r;
    r.origin = line.origin;
    r.pattern = line.columns[0];
    r.id = prefix + r.origin; // unique per line; landing rules have no ids of their own
    check_pattern(r.pattern, r.origin);
    rules.push_back(std::move(r));
  }
  return rules;
}

// The words of an "ext css js ..." line, lower case and without a leading dot, added to `out`.
void add_extensions(std::string_view rest, std::vector<std::string>& out) {
  std::size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && (rest[pos] == ' ' || rest[pos] == '\t'))
      ++pos;
    std::size_t start = pos;
    while (pos < rest.size() && rest[pos] != ' ' && rest[pos] != '\t')
      ++pos;
    if (pos > start) {
      std::string ext(rest.substr(start, pos - start));
      if (ext[0] == '.') ext.erase(0, 1);
      std::transform(ext.begin(), ext.end(), ext.begin(), util::ascii_lower);
      out.push_back(ext);
    }
  }
}

} // namespace

LandingRules read_landing_rules(const std::vector<std::string>& dirs) {
  LandingRules landing;
  landing.rules =
      merge_dirs(dirs, "landing.rules", [&](const std::string& p) { return pattern_lines(p, "landing:"); });
  for (const std::string& dir : dirs) {
    const std::string path = (fs::path(dir) / "landing.rules").string();
    if (fs::exists(path)) landing.files += (landing.files.empty() ? "" : ", ") + path;
  }
  return landing;
}

AssetRules read_assets_rules(const std::vector<std::string>& dirs) {
  AssetRules assets;
  for (std::size_t d = 0; d < dirs.size(); ++d) {
    const std::string path = (fs::path(dirs[d]) / "assets.rules").string();
    if (d > 0 && !fs::exists(path)) continue;
    for (RuleLine& line : read_rule_file(path, 2)) {
      ++assets.count;
      if (line.columns[0] == "ext") {
        add_extensions(line.columns[1], assets.extensions);
      } else if (line.columns[0] == "path") {
        Rule r;
        r.origin = line.origin;
        r.pattern = line.columns[1];
        r.id = "asset:" + r.origin;
        check_pattern(r.pattern, r.origin);
        assets.paths.push_back(std::move(r));
      } else {
        throw Error(message(N_("{}: expected 'ext' or 'path', found '{}'"), line.origin, line.columns[0]));
      }
    }
  }
  std::sort(assets.extensions.begin(), assets.extensions.end());
  assets.extensions.erase(std::unique(assets.extensions.begin(), assets.extensions.end()),
                          assets.extensions.end());
  return assets;
}

bool Rules::is_landing(std::string_view path) const { return m_landing->any(path); }
const Rule* Rules::match_landing(std::string_view path) const { return m_landing->match(path); }

namespace {

// Where the extension of `path`'s last segment starts: just after its last '.', looked for among
// the last 17 bytes (an extension has at most 16); npos when there is none (a '/' comes first, or
// neither is there). Sixteen bytes at once with SSE2: this runs on every line (callgrind: the byte
// loop was 60 instructions a line, most lines being assets).
std::size_t extension_start(std::string_view path) {
  const std::size_t n = path.size();
#if defined(__SSE2__)
  if (n >= 16) {
    const unsigned marks = util::marks16<'.', '/'>(path.data() + n - 16);
    if (marks != 0) {
      const std::size_t at = n - 16 + static_cast<std::size_t>(31 - std::countl_zero(marks));
      return path[at] == '.' ? at + 1 : std::string_view::npos;
    }
    return n >= 17 && path[n - 17] == '.' ? n - 16 : std::string_view::npos;
  }
#endif
  std::size_t i = n;
  while (i > 0 && n - i <= 16 && path[i - 1] != '.' && path[i - 1] != '/')
    --i;
  return i == 0 || n - i > 16 || path[i - 1] != '.' ? std::string_view::npos : i;
}

} // namespace

bool Rules::has_asset_extension(std::string_view path) const {
  const std::size_t start = extension_start(path);
  if (start == std::string_view::npos) return false;
  const std::string_view ext = path.substr(start);
  if (!ext.empty() && ext.size() <= k_extension_word_bytes)
    return m_asset_extension_words.contains(extension_word(ext));
  char lower[17];
  for (std::size_t k = 0; k < ext.size(); ++k)
    lower[k] = util::ascii_lower(ext[k]);
  return std::binary_search(m_asset_extensions.begin(), m_asset_extensions.end(),
                            std::string_view(lower, ext.size()));
}

bool Rules::is_asset(std::string_view path) const {
  return has_asset_extension(path) || m_asset_paths->any(path);
}

} // namespace darkscan
