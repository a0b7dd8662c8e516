// Table-driven: every real user agent in tests/data/ua-examples.tsv must get
// the expected kind and app from the shipped rules/agents.rules.
#include <darkscan/classify/rules.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <fstream>
#include <map>
#include <string>

using namespace darkscan;

TEST_CASE("agents.rules: real user agents of every in-app browser and preview fetcher", "[rules][agents]") {
  const Rules rules = Rules::load({DARKSCAN_SOURCE_RULES_DIR});
  std::ifstream in(std::string(DARKSCAN_TEST_DATA_DIR) + "/ua-examples.tsv");
  REQUIRE(in);
  std::map<std::string, int> per_family;
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    REQUIRE(t2 != std::string::npos);
    const std::string kind = line.substr(0, t1), app = line.substr(t1 + 1, t2 - t1 - 1),
                      ua = line.substr(t2 + 1);
    INFO(ua);
    const Rule* r = rules.match_agent(ua);
    CHECK((r ? agent_kind_name(static_cast<AgentKind>(r->kind)) : "browser") == kind);
    CHECK((r && !r->app.empty() ? r->app : "-") == app);
    ++per_family[kind + "/" + app];
    ++cases;
  }
  CHECK(cases >= 200);
  // Every preview fetcher and in-app app named in the table has real examples.
  for (const auto& [family, n] : per_family) {
    INFO(family);
    CHECK(n >= 1);
  }
}
