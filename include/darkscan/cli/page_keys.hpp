#pragma once

#include <darkscan/classify/rules.hpp>
#include <darkscan/cli/options.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/input/source.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/state/state.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace darkscan {

// The query parameters a page keeps in its key ("/read?aid=12"): --keep-param, the parameters that
// name content (content.rules: "/?p=123" is an article), those learned from the start of the logs,
// and a state's, which it keeps for good.

// --keep-param and content.rules' parameters. A state (may be null) that holds lines keeps its page
// keys: throws Error when --keep-param differs from them, and takes them, saying so through `note`,
// when the rules name others. The result is the state's keys from now on.
std::vector<std::string> page_key_params(const CommandLine& opts, const Rules& rules, State* state,
                                         const std::function<void(const Message&)>& note);

// Parameters that name content, learned from the first lines of `files` (parsed with `format`, or
// the format detected) and added to `keep_params` and `rules`, each with a note; with a state (may be
// null), only suggested by a note. The inputs read ahead are left in `opened` (one slot per file), to
// be scanned whole.
void learn_page_key_params(const std::vector<std::string>& files, const std::optional<LogFormat>& format,
                           const State* state, Rules& rules, std::vector<std::string>& keep_params,
                           std::vector<std::unique_ptr<Source>>& opened,
                           const std::function<void(const Message&)>& note);

} // namespace darkscan
