#include <darkscan/classify/content_params.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/input/lines.hpp>
#include <darkscan/input/replay_source.hpp>
#include <darkscan/input/source.hpp>
#include <darkscan/parse/presets.hpp>
#include <darkscan/util/url_path.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <utility>

namespace darkscan {

ContentParamLearner::ContentParamLearner(const Rules& rules, std::vector<std::string> known)
    : m_rules(rules), m_known(std::move(known)) {}

bool ContentParamLearner::page_view(const Hit& hit) const {
  if (!hit.request_valid || (hit.method != "GET" && hit.method != "HEAD")) return false;
  if (hit.status != 0 && !((hit.status >= 200 && hit.status < 300) || hit.status == 304)) return false;
  return !m_rules.is_asset(hit.path);
}

bool ContentParamLearner::robot(const Hit& hit) {
  m_agent.assign(hit.user_agent); // reused: no allocation per line once grown
  auto it = m_agent_is_robot.find(m_agent);
  if (it == m_agent_is_robot.end()) {
    const Rule* rule = m_rules.match_agent(hit.user_agent);
    const auto kind = rule ? static_cast<AgentKind>(rule->kind) : AgentKind::browser;
    it = m_agent_is_robot.emplace(m_agent, is_bot(kind) || is_preview(kind)).first;
  }
  return it->second;
}

bool ContentParamLearner::ignored(std::string_view name, std::string_view pair) const {
  if (name.empty() || pair.size() == name.size() + 1 || pair.size() == name.size()) return true; // "a=", "a"
  const auto named = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  return named(m_known) || named(m_rules.never_content_params()) || m_rules.is_tag_param(name);
}

void ContentParamLearner::add(const Hit& hit) {
  // A view that carries a kept parameter is another page ("/?p=12" is not "/").
  if (!page_view(hit) || util::has_param(hit.query, m_known)) return;
  if (!util::normalise_path(hit.path, m_scratch)) m_scratch.assign(hit.path);
  auto views = m_path_views.find(m_scratch);
  if (views == m_path_views.end()) views = m_path_views.emplace(m_scratch, 0).first;
  ++views->second;
  // The agent is matched only here, where it decides: matching every line's costs as much as the
  // rest of the learning (robots' views of a path then count in its views, a little against it).
  if (hit.query.empty() || robot(hit)) return;
  auto& params = m_params[m_scratch];
  std::string_view query = hit.query;
  // A parameter counts once per view; the first k_max_params_per_view names of a view only, and
  // k_max_names_per_path names per path: a crafted query of thousands costs no more.
  std::array<std::string_view, k_max_params_per_view> seen;
  std::size_t seen_count = 0;
  for (util::QueryParam param; seen_count < seen.size() && util::next_param(query, param);) {
    const std::string_view name = param.name;
    const auto seen_end = seen.begin() + static_cast<std::ptrdiff_t>(seen_count);
    if (ignored(name, param.pair) || std::find(seen.begin(), seen_end, name) != seen_end) continue;
    seen[seen_count++] = name;
    m_name.assign(name);
    auto it = params.find(m_name);
    if (it == params.end()) {
      if (params.size() == k_max_names_per_path) continue;
      it = params.emplace(m_name, ParamStats{}).first;
    }
    ParamStats& stats = it->second;
    ++stats.views;
    m_name.assign(param.value);
    if (stats.values.size() < k_max_values && stats.values.find(m_name) == stats.values.end())
      stats.values.insert(m_name);
  }
}

std::vector<LearnedParam> ContentParamLearner::learned() const {
  std::map<std::string, LearnedParam> by_name; // sorted: the result does not depend on hashing
  for (const auto& [path, params] : m_params) {
    const std::uint64_t path_views = m_path_views.at(path);
    for (const auto& [name, stats] : params) {
      const auto values = static_cast<std::uint64_t>(stats.values.size());
      const bool content =
          stats.views >= k_min_views &&
          static_cast<double>(stats.views) >= k_min_share * static_cast<double>(path_views) &&
          values >= k_min_values &&
          static_cast<double>(stats.views) >= k_min_views_per_value * static_cast<double>(values);
      if (!content) continue;
      LearnedParam& best = by_name[name];
      if (stats.views > best.views || (stats.views == best.views && path < best.path))
        best = LearnedParam{name, path, stats.views, values, path_views};
    }
  }
  std::vector<LearnedParam> out;
  for (auto& [name, param] : by_name)
    out.push_back(std::move(param));
  return out;
}

namespace {

// Learns from the lines `next` gives (false at the end), up to `left` of them, parsed with `format`
// or the preset detected on the first 50.
template <typename Next>
void learn_from(ContentParamLearner& learner, Next next, const std::optional<LogFormat>& format,
                const std::string& name, std::size_t& left) {
  std::vector<std::string> sample;
  std::string_view text;
  while (sample.size() < std::min<std::size_t>(left, 50) && next(text))
    sample.emplace_back(text);
  const std::vector<LogFormat> formats =
      format ? std::vector<LogFormat>{*format} : detect_formats(sample, name);
  Hit hit;
  ParseError error;
  const auto learn = [&](std::string_view line) {
    for (const LogFormat& f : formats) {
      if (!line.empty() && f.parse(line, hit, error)) {
        learner.add(hit);
        return;
      }
    }
  };
  for (const std::string& line : sample)
    learn(line);
  left -= sample.size();
  while (left > 0 && next(text)) {
    --left;
    learn(text);
  }
}

// Bytes read ahead at most, over all inputs: they stay in memory until the scan has read them, so
// they add to the peak memory of the run. 8 MiB: about 30,000 lines of a combined log, some
// 10,000 page views, enough for k_min_views of a parameter that routes articles.
constexpr std::size_t k_max_read_ahead = 8u << 20;

} // namespace

std::vector<LearnedParam> learn_content_params(const std::vector<std::string>& files,
                                               const std::optional<LogFormat>& format, const Rules& rules,
                                               const std::vector<std::string>& known, std::size_t lines,
                                               std::vector<std::unique_ptr<Source>>& opened) {
  ContentParamLearner learner(rules, known);
  opened.clear();
  opened.resize(files.size());
  std::size_t left = lines;
  std::size_t bytes_left = k_max_read_ahead;
  bool stdin_read = false;
  // Each input read ahead stays open, with its decoder, until the scan reaches it: a few at most.
  constexpr std::size_t k_max_inputs = 8;
  for (std::size_t i = 0; i < files.size() && i < k_max_inputs && left > 0 && bytes_left > 0; ++i) {
    if (files[i] == "-" && std::exchange(stdin_read, true)) continue; // read once
    std::unique_ptr<Source> source;
    try {
      source = Source::open(files[i]);
    } catch (const Error&) {
      continue; // the scan says why
    }
    std::string head = read_ahead(*source, left, bytes_left);
    bytes_left -= std::min(bytes_left, head.size());
    std::string_view rest = head;
    const auto next = [&](std::string_view& line) {
      const std::size_t eol = rest.find('\n');
      if (eol == std::string_view::npos) return false; // the end, or a line cut by the read-ahead
      line = rest.substr(0, std::min(eol, LineReader::k_default_max_line));
      rest.remove_prefix(eol + 1);
      return true;
    };
    try {
      learn_from(learner, next, format, source->name(), left);
    } catch (const Error&) {
      // of no known format: the scan says so, from the first byte
    }
    opened[i] = std::make_unique<ReplaySource>(std::move(head), std::move(source));
  }
  return learner.learned();
}

} // namespace darkscan
