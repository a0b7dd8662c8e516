#include <darkscan/classify/path_facts.hpp>
#include <darkscan/classify/rules.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace darkscan;

TEST_CASE("path_facts: the same answers as the rules, however the slots are shared", "[path_facts]") {
  const Rules rules = Rules::load({DARKSCAN_SOURCE_RULES_DIR});
  PathFacts facts(rules);
  std::vector<std::string> paths = {
      "/",     "/index.php",  "/fr/",         "/news/a",        "/a.CSS",     "/wp-json/x",
      "/home", "/news/a.jpg", "/news/a.jpg/", "/static/app.js", "/article/7", ""};
  // Paths too long to be kept (asked of the rules each time).
  paths.push_back("/" + std::string(600, 'a') + ".css");
  paths.push_back("/" + std::string(600, 'a'));
  paths.push_back("/wp-json/" + std::string(600, 'b'));
  // More paths than slots: slots are taken over by other paths and asked again.
  for (int i = 0; i < 10000; ++i)
    paths.push_back((i % 3 ? "/news/" : "/img/") + std::to_string(i) + (i % 3 ? "" : ".webp"));
  for (int round = 0; round < 2; ++round) {
    for (const std::string& p : paths) {
      INFO(p);
      // Landing first on odd rounds: a slot's landing answer is asked lazily.
      if (round == 1) REQUIRE(facts.landing(p) == rules.is_landing(p));
      REQUIRE(facts.asset(p) == rules.is_asset(p));
      REQUIRE(facts.landing(p) == rules.is_landing(p));
    }
  }
  CHECK(facts.asset("/a.CSS"));
  CHECK_FALSE(facts.asset("/news/a"));
  CHECK(facts.landing("/"));
  CHECK_FALSE(facts.landing("/news/a"));
}
