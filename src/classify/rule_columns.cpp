#include <darkscan/classify/rules_reading.hpp>
#include <darkscan/common/error.hpp>

#include <algorithm>
#include <filesystem>
#include <unordered_set>

namespace darkscan {

namespace fs = std::filesystem;

bool valid_rule_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

std::string app_name(const std::string& word, const std::string& origin) {
  if (word == "-") return "";
  const bool ok =
      word.size() <= 32 && std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
  if (!ok) {
    throw Error(message(N_("{}: bad app name '{}' (use a-z, 0-9, '.', '_', '-', at most 32 characters; or "
                           "'-')"),
                        origin, word));
  }
  return word;
}

std::uint8_t parse_kind(const std::string& word, std::span<const std::string_view> names,
                        const std::string& origin, std::string_view file) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (word == names[i]) return static_cast<std::uint8_t>(i);
  std::string list;
  for (auto name : names)
    list += (list.empty() ? "" : ", ") + std::string(name);
  throw Error(message(N_("{}: unknown kind '{}' in {} (expected one of: {})"), origin, word, file, list));
}

std::vector<Rule> merge_dirs(const std::vector<std::string>& dirs, const std::string& file,
                             const std::function<std::vector<Rule>(const std::string&)>& load_one) {
  std::vector<Rule> merged;
  for (std::size_t d = 0; d < dirs.size(); ++d) {
    const std::string path = (fs::path(dirs[d]) / file).string();
    if (d > 0 && !fs::exists(path)) continue;
    std::vector<Rule> rules = load_one(path);
    std::unordered_set<std::string> seen;
    for (const Rule& r : rules) {
      if (!seen.insert(r.id).second) throw Error(message(N_("{}: duplicate id '{}'"), r.origin, r.id));
    }
    if (d == 0) {
      merged = std::move(rules);
      continue;
    }
    std::vector<Rule> added;
    for (Rule& r : rules) {
      auto it = std::find_if(merged.begin(), merged.end(), [&](const Rule& m) { return m.id == r.id; });
      if (it != merged.end())
        *it = std::move(r);
      else
        added.push_back(std::move(r));
    }
    merged.insert(merged.begin(), std::make_move_iterator(added.begin()),
                  std::make_move_iterator(added.end()));
  }
  return merged;
}

} // namespace darkscan
