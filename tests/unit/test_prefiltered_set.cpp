#include <darkscan/classify/prefiltered_set.hpp>
#include <darkscan/classify/rules.hpp>
#include <darkscan/common/error.hpp>

#include <catch2/catch.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

using namespace darkscan;

namespace {

// What an RE2::Set answers: the first pattern that matches somewhere in the text.
int first_by_one(const std::vector<std::string>& patterns, const std::string& text) {
  for (std::size_t i = 0; i < patterns.size(); ++i)
    if (RE2::PartialMatch(text, RE2(patterns[i]))) return static_cast<int>(i);
  return -1;
}

} // namespace

TEST_CASE("prefiltered_set: the first matching pattern, as the patterns one by one say",
          "[prefiltered_set]") {
  SECTION("small patterns: atoms, no atoms, anchors, case") {
    const std::vector<std::string> patterns = {"(?i)whatsapp/2", "^Viber$",      "GG",      "Snap(chat)?/",
                                               "a.*zz",          "(?i)\\bline/", "WhatsApp"};
    const PrefilteredSet set(patterns, std::vector<std::string>(patterns.size(), "test.rules:1"));
    for (const std::string text : {"WhatsApp/2.23", "whatsapp/2.23", "WHATSAPP/2 WhatsApp", "WhatsApp/3",
                                   "Viber", "Viber ", "xGGx", "gg", "Snapchat/12", "Snap/1", "snap/1",
                                   "a----zz", "Line/13 (iPhone)", "Online/13", "", "nothing at all"}) {
      INFO(text);
      CHECK(set.first_match(text) == first_by_one(patterns, text));
    }
  }
  SECTION("the shipped agent patterns on every agent of the examples table, and variants of them") {
    const Rules rules = Rules::load({DARKSCAN_SOURCE_RULES_DIR});
    std::vector<std::string> patterns, origins;
    for (const Rule& r : rules.agents()) {
      patterns.push_back(r.pattern);
      origins.push_back(r.origin);
    }
    const PrefilteredSet set(patterns, origins);
    std::ifstream in(std::string(DARKSCAN_TEST_DATA_DIR) + "/ua-examples.tsv");
    REQUIRE(in);
    std::string line;
    int cases = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const std::string ua = line.substr(line.find('\t', line.find('\t') + 1) + 1);
      std::string upper = ua, cut = ua.substr(0, ua.size() / 2);
      for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      for (const std::string& text : {ua, upper, cut}) {
        INFO(text);
        const int expected = first_by_one(patterns, text);
        const int got = set.first_match(text);
        // Beyond ASCII the rules ask their RE2::Set instead (Rules::match_agent, checked below).
        if (got == -2)
          CHECK(std::any_of(text.begin(), text.end(), [](char c) { return c & 0x80; }));
        else
          CHECK(got == expected);
        const Rule* rule = rules.match_agent(text);
        CHECK(rule == (expected < 0 ? nullptr : &rules.agents()[static_cast<std::size_t>(expected)]));
        ++cases;
      }
    }
    CHECK(cases >= 600);
  }
}

TEST_CASE("prefiltered_set: texts beyond ASCII are left to the caller, and bad patterns are named",
          "[prefiltered_set]") {
  const std::vector<std::string> patterns = {"(?i)caf\u00e9"};
  const PrefilteredSet set(patterns, {"test.rules:3"});
  CHECK(set.first_match("CAF\u00c9") == -2);
  CHECK(set.first_match("cafe") == -1);
  CHECK_THROWS_WITH(PrefilteredSet({"a(b"}, {"test.rules:7"}),
                    Catch::Contains("test.rules:7: invalid regex"));
  CHECK(PrefilteredSet({}, {}).first_match("anything") == -1);
  const PrefilteredSet no_atoms({"GG", "a.b"}, {"test.rules:1", "test.rules:2"}); // all tried on every text
  CHECK(no_atoms.first_match("xaxbGG") == 0);
  CHECK(no_atoms.first_match("axb") == 1);
  CHECK(no_atoms.first_match("gg") == -1);
}
