#pragma once

#include <darkscan/classify/evidence.hpp>
#include <darkscan/classify/rules.hpp>

#include <re2/re2.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// Each rules file of a list of directories read into plain data, which Rules::load then compiles
// (syntax in doc/RULES.md). Every reader throws Error "FILE:LINE: ..." on a bad line, and
// std::filesystem::filesystem_error when a directory cannot be looked into (Rules::load words it).

// --- what the files share (rule_columns.cpp) ---

// True for an id of a-z, 0-9, '.', '_', '-' (not empty).
bool valid_rule_id(std::string_view id);

// An app name: "" for "-", else `word` when it is a short name of a-z, 0-9, '.', '_', '-' (it
// becomes a JSON key, a TSV cell and a table column); throws Error naming `origin` otherwise.
std::string app_name(const std::string& word, const std::string& origin);

// The index of `word` in `names` (a kind column's words, in the kind enum's order); throws Error
// naming `origin`, `file` and the words expected for another word.
std::uint8_t parse_kind(const std::string& word, std::span<const std::string_view> names,
                        const std::string& origin, std::string_view file);

// The rules of `file` across `dirs`, each read by `load_one`: the first directory's file is
// needed, a later directory's is optional and replaces rules with the same id and puts its new
// ones first. Throws Error on an id twice in one file.
std::vector<Rule> merge_dirs(const std::vector<std::string>& dirs, const std::string& file,
                             const std::function<std::vector<Rule>(const std::string&)>& load_one);

// --- agents.rules, referrers.rules, xrw.rules: "id kind app pattern" (rules_kind_files.cpp) ---

// In match order: previews first, then in-app kinds, then bots; file order inside.
std::vector<Rule> read_agents_rules(const std::vector<std::string>& dirs);
std::vector<Rule> read_referrers_rules(const std::vector<std::string>& dirs);
std::vector<Rule> read_xrw_rules(const std::vector<std::string>& dirs);

// --- landing.rules and assets.rules: what a path is (rules_paths.cpp) ---

struct LandingRules {
  std::vector<Rule> rules; // one pattern per line, matched against the whole path
  std::string files;       // the landing.rules files read ("a, b"), for --explain
};
LandingRules read_landing_rules(const std::vector<std::string>& dirs);

struct AssetRules {
  std::vector<std::string> extensions; // lower case, without the dot, sorted, each once
  std::vector<Rule> paths;             // "path PATTERN" lines
  std::size_t count = 0;               // lines of every file
};
// All directories add up.
AssetRules read_assets_rules(const std::vector<std::string>& dirs);

// An extension of 1 to 7 bytes as one word, lower-cased, byte i in bits 8i..8i+7 and its length in
// the top byte (so that "js" and "js\0" differ): the asset test compares words instead of calling
// memcmp per extension of its sorted list.
inline constexpr std::size_t k_extension_word_bytes = 7;
inline std::uint64_t extension_word(std::string_view ext) {
  std::uint64_t word = static_cast<std::uint64_t>(ext.size()) << 56;
  for (std::size_t i = 0; i < ext.size() && i < k_extension_word_bytes; ++i) {
    char c = ext[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    word |= static_cast<std::uint64_t>(static_cast<unsigned char>(c)) << (8 * i);
  }
  return word;
}

// --- params.rules and content.rules: what a query parameter says (rules_query_params.cpp) ---

struct ParamRules {
  std::vector<Rule> rules;                         // "id channel app parameter value-pattern"
  std::vector<std::shared_ptr<const re2::RE2>> patterns; // the rules' value patterns, null for "*"
  std::vector<std::string> names;                  // the parameters named, distinct, lower case
  std::vector<std::uint16_t> name_of;              // each rule's, an index into `names`
  std::size_t written = 0; // rules as written (one per line): `rules` has one per name
};
ParamRules read_params_rules(const std::vector<std::string>& dirs);

struct ContentRules {
  std::vector<std::string> names; // parameters that name a page's content
  std::vector<std::string> never; // "!name": never learned as content parameters
  std::size_t count = 0;          // lines of every file
};
// Optional in every directory.
ContentRules read_content_rules(const std::vector<std::string>& dirs);

// --- weights.rules (rules_weights.cpp) ---

struct WeightRules {
  Weights weights{};
  EstimateSettings settings{};
  std::array<Rule, k_evidence_count> rules; // the line that set each weight, for --explain
  std::size_t count = 0;                    // lines of every file
};
// "key value low high" (or "key value": the value is taken as exact) and the estimate's settings;
// every evidence needs a weight, 0 <= low <= value <= high <= 1.
WeightRules read_weights_rules(const std::vector<std::string>& dirs);

} // namespace darkscan
