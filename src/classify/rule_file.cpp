#include <darkscan/classify/rule_file.hpp>
#include <darkscan/common/error.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <fstream>

namespace darkscan {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

template <typename SplitLine> std::vector<RuleLine> read_lines(const std::string& path, SplitLine split) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(message(N_("cannot read rules '{}': {}"), path, system_message(errno)));
  std::vector<RuleLine> rules;
  std::string text;
  std::size_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    std::size_t start = 0;
    while (start < text.size() && is_blank(text[start]))
      ++start;
    if (start == text.size() || text[start] == '#') continue;
    std::size_t end = text.size();
    while (end > start && is_blank(text[end - 1]))
      --end;
    RuleLine rule;
    rule.origin = fmt::format("{}:{}", path, number);
    split(std::string_view(text).substr(start, end - start), rule);
    rules.push_back(std::move(rule));
  }
  if (in.bad()) throw Error(message(N_("cannot read rules '{}': {}"), path, system_message(errno)));
  return rules;
}

// Next whitespace-separated word of `s` from `pos`.
std::string_view next_word(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && is_blank(s[pos]))
    ++pos;
  std::size_t start = pos;
  while (pos < s.size() && !is_blank(s[pos]))
    ++pos;
  return s.substr(start, pos - start);
}

} // namespace

std::vector<RuleLine> read_rule_file(const std::string& path, std::size_t columns) {
  return read_lines(path, [&](std::string_view line, RuleLine& rule) {
    std::size_t pos = 0;
    for (std::size_t i = 0; i + 1 < columns; ++i) {
      std::string_view word = next_word(line, pos);
      if (word.empty()) break;
      rule.columns.emplace_back(word);
    }
    while (pos < line.size() && is_blank(line[pos]))
      ++pos;
    if (pos < line.size()) rule.columns.emplace_back(line.substr(pos));
    if (rule.columns.size() != columns) {
      throw Error(
          message(N_("{}: expected {} columns, found {}"), rule.origin, columns, rule.columns.size()));
    }
  });
}

} // namespace darkscan
