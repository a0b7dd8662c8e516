#include <darkscan/cli/diagnostics.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/util/text.hpp>

#include <cstdio>

namespace darkscan {

// Messages may quote log text: escape each of their lines for the terminal.
void print_message(std::string_view prefix, const std::string& message) {
  std::string out(prefix);
  std::string_view rest = message;
  for (;;) {
    std::size_t nl = rest.find('\n');
    out += util::escape_for_terminal(rest.substr(0, nl));
    out += '\n';
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  std::fputs(out.c_str(), stderr);
}

void print_error(const std::string& message) {
  // TRANSLATORS: after "darkscan: " on standard error; keep the trailing space.
  const std::string prefix = std::string("darkscan: ") + tr("error: ");
  print_message(prefix, message);
}

void print_note(const std::string& message) {
  // TRANSLATORS: after "darkscan: " on standard error; keep the trailing space.
  const std::string prefix = std::string("darkscan: ") + tr("note: ");
  print_message(prefix, message);
}

} // namespace darkscan
