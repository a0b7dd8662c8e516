#include <darkscan/classify/content_params.hpp>
#include <darkscan/cli/page_keys.hpp>
#include <darkscan/common/error.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstddef>

namespace darkscan {

namespace {

// Lines read ahead to learn content parameters (and 8 MiB at most: content_params.cpp), enough for
// content_params.hpp's k_min_views of a parameter that routes a site's articles.
constexpr std::size_t k_learn_lines = 100000;

} // namespace

// --keep-param, and the parameters that name content (content.rules: "/?p=123" is an article). A
// state that holds lines keeps its page keys: throws Error when --keep-param differs from them, and
// takes them (with a note) when the rules name others. The result is the state's keys from now on.
std::vector<std::string> page_key_params(const CommandLine& opts, const Rules& rules, State* state,
                                         const std::function<void(const Message&)>& note) {
  std::vector<std::string> keep_params = opts.keep_params;
  for (const std::string& p : rules.content_params())
    if (std::find(keep_params.begin(), keep_params.end(), p) == keep_params.end()) keep_params.push_back(p);
  if (!state) return keep_params;
  if (!opts.keep_params.empty() && !same_key_params(keep_params, state->keep_params) &&
      state->counters.lines > 0) {
    if (state->keep_params.empty()) {
      throw Error(translated(N_("--keep-param differs from the state's (none): page keys would not match; "
                                "give the same ones, or none")));
    }
    throw Error(message(N_("--keep-param differs from the state's ({}): page keys would not match; "
                           "give the same ones, or none"),
                        fmt::format("{}", fmt::join(state->keep_params, " "))));
  }
  if (opts.keep_params.empty() && state->counters.lines > 0 &&
      !same_key_params(keep_params, state->keep_params)) {
    note(message(N_("the state was written with page-key parameters '{}', these rules name '{}': "
                    "pages keep the state's keys (start a new state to change them)"),
                 fmt::join(state->keep_params, " "), fmt::join(keep_params, " ")));
    keep_params = state->keep_params;
  }
  state->keep_params = keep_params;
  return keep_params;
}

// Parameters that name content, learned from the start of the logs and added to `keep_params` and
// `rules` (a state keeps its page keys: only suggested there, by a note). The inputs read ahead are
// left in `opened`, to be scanned whole.
void learn_page_key_params(const std::vector<std::string>& files, const std::optional<LogFormat>& format,
                           const State* state, Rules& rules, std::vector<std::string>& keep_params,
                           std::vector<std::unique_ptr<Source>>& opened,
                           const std::function<void(const Message&)>& note) {
  for (const LearnedParam& p :
       learn_content_params(files, format, rules, keep_params, k_learn_lines, opened)) {
    const Message figures =
        message(N_("on {}, {} values in {} of its {} page views"), p.path, count_message(p.values),
                count_message(p.views), count_message(p.path_views));
    if (state) {
      note(message(N_("query parameter '{}' looks like it names content ({}); a state keeps its page "
                      "keys: to count its pages apart, add it to a content.rules in your --rules "
                      "directory and start a new state"),
                   p.name, figures));
      continue;
    }
    note(message(N_("pages keep query parameter '{}' in their keys, learned from the log ({}); "
                    "--no-learn-params turns this off, a content.rules makes it lasting"),
                 p.name, figures));
    keep_params.push_back(p.name);
    rules.add_content_params({p.name});
  }
}

} // namespace darkscan
