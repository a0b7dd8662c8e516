#include <darkscan/classify/rules.hpp>
#include <darkscan/classify/rules_dirs.hpp>
#include <darkscan/cli/rules_command.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <iostream>

namespace darkscan {

int rules_check(const std::vector<std::string>& dirs) {
  const std::vector<std::string> all = rules_dirs(dirs);
  const Rules rules = Rules::load(all);
  std::string out;
  for (const auto& dir : all)
    out += format_tr(N_("rules from {}"), util::escape_for_terminal(dir)) + '\n';
  for (const auto& [file, count] : rules.counts()) {
    // TRANSLATORS: a rules file and its count of rules, in columns: keep the widths.
    out += "  " + format_trn("{:<18}{:>6} rule", "{:<18}{:>6} rules", count, file, count) + '\n';
  }
  out += "ok\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

int rules_ua(const std::vector<std::string>& dirs) {
  const Rules rules = Rules::load(rules_dirs(dirs));
  std::string line, out;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line == "-") {
      out += "bot\t-\tua.empty\n";
    } else if (const Rule* r = rules.match_agent(line)) {
      out += fmt::format("{}\t{}\t{}\n", agent_kind_name(static_cast<AgentKind>(r->kind)),
                         r->app.empty() ? "-" : r->app, r->id);
    } else {
      out += "browser\t-\t-\n";
    }
    if (out.size() > 65536) {
      std::fputs(out.c_str(), stdout);
      out.clear();
    }
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

} // namespace darkscan
