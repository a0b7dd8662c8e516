#include <darkscan/cli/cli_parse_errors.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/util/text.hpp>

#include <algorithm>
#include <regex>
#include <string_view>
#include <vector>

namespace darkscan {

namespace {

// The name of `names` at most 2 edits from `word` (and fewer than a third of its letters), or "":
// "--since" for "--sinse", "rules" for "rulse".
template <typename Names> std::string closest_name(std::string_view word, const Names& names) {
  std::size_t best = word.size() / 3 + 1;
  std::string closest;
  for (const auto& name : names) {
    const std::size_t d = util::edit_distance(word, name);
    if (d < best && d <= 2) {
      best = d;
      closest = name;
    }
  }
  return closest;
}

} // namespace

// "\n  did you mean --since (not --sinse)?" for each long option of argv that `command` does not know
// but has one close to (closest_name: "--sinse", "--by-day").
std::string did_you_mean(const CLI::App& command, int argc, char** argv) {
  std::vector<std::string> known;
  for (const CLI::Option* option : command.get_options())
    for (const std::string& name : option->get_lnames())
      known.push_back("--" + name);
  std::string out;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.substr(0, 2) != "--") continue;
    arg = arg.substr(0, arg.find('='));
    if (std::find(known.begin(), known.end(), arg) != known.end()) continue;
    // The names the word starts ("--keep": --keep-param, not --help two letters away: a second
    // review; "--out": --output...), else every name as close (a first-time user's review, 2026-12-07:
    // --sice was "--site", meant "--since") within closest_name's bounds, else the names that end with
    // the word ("--format": --log-format, --output-format). No guess among more than four.
    std::vector<std::string> closest;
    if (arg.size() > 4)
      for (const std::string& name : known)
        if (name.size() > arg.size() && name.compare(0, arg.size(), arg) == 0) closest.push_back(name);
    if (const std::string one = closest.empty() ? closest_name(arg, known) : std::string(); !one.empty()) {
      const std::size_t d = util::edit_distance(arg, one);
      for (const std::string& name : known)
        if (util::edit_distance(arg, name) == d) closest.push_back(name);
    }
    if (closest.empty() && arg.size() > 4) {
      const std::string tail = "-" + std::string(arg.substr(2));
      for (const std::string& name : known)
        if (name.size() > tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0)
          closest.push_back(name);
    }
    if (closest.size() > 4) closest.clear();
    if (closest.empty()) continue;
    std::string names = closest.front();
    for (std::size_t k = 1; k < closest.size(); ++k)
      names += (k + 1 == closest.size() ? tr(" or ") : ", ") + closest[k];
    out += "\n  " + format_tr(N_("did you mean {} (not {})?"), names, util::escape_for_terminal(arg));
  }
  return out;
}

std::optional<std::string> unknown_rules_subcommand(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) != "rules") continue; // not for translation: the command's name
    const std::string_view word = argv[i + 1];
    if (word.empty() || word.front() == '-') return std::nullopt;
    const std::string closest = closest_name(word, std::initializer_list<std::string_view>{"check", "ua"});
    const std::string typed = util::escape_for_terminal(word);
    return closest.empty()
               ? format_tr(N_("rules: '{}' is not one of its subcommands, 'check' or 'ua' (see 'darkscan "
                              "rules --help')"),
                           typed)
               : format_tr(
                     N_("rules: '{}' is not one of its subcommands, 'check' or 'ua': did you mean '{}'?"),
                     typed, closest);
  }
  return std::nullopt;
}

std::optional<std::string> subcommand_typo(const std::string& file) {
  if (file.find_first_of("/.") != std::string::npos) return std::nullopt; // a log's name, as typed
  const std::string closest = closest_name(file, std::initializer_list<std::string_view>{"merge", "rules"});
  if (closest.empty()) return std::nullopt;
  return format_tr(N_("'{}' is no file: did you mean the subcommand '{}'? (see 'darkscan --help')"),
                   util::escape_for_terminal(file), closest);
}

namespace {

// A CLI11 message rebuilt in the user's language: nothing when the language is English, so that
// CLI11's own words are kept (some of these messages word it otherwise).
std::optional<std::string> reworded(const Message& message) {
  if (message.local == message.en) return std::nullopt;
  return message.local;
}

} // namespace

// The parse error `e` in the user's language where its form is known (in English only where CLI11's
// own words are unreadable: the range of CLI::NonNegativeNumber). CLI11 words its messages in
// English only and keeps no parts apart: they are read back from its text (CLI/Error.hpp and the
// validators of CLI/Validators.hpp, CLI11 2.1); a message of another form stays as CLI11 wrote it.
std::optional<std::string> localised_parse_error(const CLI::ParseError& e) {
  // CLI11's messages, matched whole. An option's name ("--by", "DIR") has no ':'.
  static const std::regex extra_one("The following argument was not expected: (.*)"); // not for translation
  static const std::regex extra_many(
      "The following arguments were not expected: (.*)");                   // not for translation
  static const std::regex required("(.+) is required");                     // not for translation
  static const std::regex missing("([^:]+): (\\d+) required (.*) missing"); // not for translation
  static const std::regex at_most(
      "([^:]+): At Most (\\d+) required but received (\\d+)");                        // not for translation
  static const std::regex no_dir("([^:]+): Directory does not exist: (.*)");          // not for translation
  static const std::regex file_dir("([^:]+): Directory is actually a file: (.*)");    // not for translation
  static const std::regex range("([^:]+): Value (.*) not in range (\\d+) to (\\d+)"); // not for translation
  // CLI::NonNegativeNumber (from 0 to the largest double, written out in full), CLI::IsMember.
  static const std::regex not_negative(
      "([^:]+): Value (.*) not in range 0\\.0+ to \\d{300,}\\.0+");   // not for translation
  static const std::regex member("([^:]+): (.*) not in (\\{.*\\})");  // not for translation
  static const std::regex convert("Could not convert: (.+?) = (.*)"); // not for translation
  const std::string text = e.what();
  std::smatch m;
  const auto is = [&](const std::regex& form) { return std::regex_match(text, m, form); };
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    const bool one = is(extra_one);
    if (one || is(extra_many)) {
      // TRANSLATORS: {} is what the command line had in excess, as typed.
      return reworded(message_n("The following argument was not expected: {}",
                                "The following arguments were not expected: {}", one ? 1 : 2, m.str(1)));
    }
  } else if (dynamic_cast<const CLI::RequiredError*>(&e)) {
    // Only `rules` requires one: its subcommands named (a review, 2026-12-06: `darkscan rules bogus`
    // said no more than CLI11's "A subcommand is required").
    if (text == "A subcommand is required") // not for translation: CLI11's text
      return std::string(tr(N_("rules: give a subcommand, 'check' or 'ua'")));
    // TRANSLATORS: {} is an argument's name (STATE).
    if (is(required)) return reworded(message(N_("{} is required"), m.str(1)));
  } else if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    if (is(missing)) {
      const unsigned long n = std::stoul(m.str(2));
      return reworded(
          // TRANSLATORS: an option given without its value: the option, how many values, their name (TIME).
          message_n("{}: {} required {} missing", "{}: {} required {} missing", n, m.str(1), n, m.str(3)));
    }
    if (is(at_most)) {
      // TRANSLATORS: an option given too many times: the option, the most it takes, how many it was given.
      return reworded(message(N_("{}: At Most {} required but received {}"), m.str(1), m.str(2), m.str(3)));
    }
  } else if (dynamic_cast<const CLI::ValidationError*>(&e)) {
    // TRANSLATORS: the option, the directory given.
    if (is(no_dir)) return reworded(message(N_("{}: Directory does not exist: {}"), m.str(1), m.str(2)));
    if (is(file_dir))
      // TRANSLATORS: the option, the file given.
      return reworded(message(N_("{}: Directory is actually a file: {}"), m.str(1), m.str(2)));
    if (is(range)) {
      // TRANSLATORS: the option, the value given, the smallest and the largest it takes.
      return reworded(message(N_("{}: Value {} not in range {} to {}"), m.str(1), m.str(2),
                              number_text(std::stoull(m.str(3))), number_text(std::stoull(m.str(4)))));
    }
    if (is(not_negative)) {
      // TRANSLATORS: the option, the value given.
      // In English too: CLI11 writes the largest double out in full, 309 digits.
      return format_tr(N_("{}: Value {} is not a number of 0 or more"), m.str(1), m.str(2));
    }
    if (is(member)) {
      // TRANSLATORS: the option, the value given, the values it takes ("{hour,day,week,month}").
      return reworded(message(N_("{}: {} not in {}"), m.str(1), m.str(2), m.str(3)));
    }
  } else if (dynamic_cast<const CLI::ConversionError*>(&e)) {
    // TRANSLATORS: the option and the value given ("--top", "1.5").
    if (is(convert)) return reworded(message(N_("Could not convert: {} = {}"), m.str(1), m.str(2)));
  }
  return std::nullopt;
}

} // namespace darkscan
