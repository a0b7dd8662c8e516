#include "rules_fixture.hpp"

#include <darkscan/classify/content_params.hpp>
#include <darkscan/parse/presets.hpp>

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

using namespace darkscan;

namespace {

constexpr const char* k_chrome = "Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Safari/537.36";

// Feeds `views` page views of path?query(i) to the learner.
template <typename Query>
void views(ContentParamLearner& learner, int count, const std::string& path, Query query,
           const char* agent = k_chrome, int status = 200) {
  for (int i = 0; i < count; ++i) {
    const std::string q = query(i);
    Hit hit;
    hit.request_valid = true;
    hit.method = "GET";
    hit.path = path;
    hit.query = q;
    hit.user_agent = agent;
    hit.status = status;
    learner.add(hit);
  }
}

std::vector<std::string> names(const std::vector<LearnedParam>& learned) {
  std::vector<std::string> out;
  for (const LearnedParam& p : learned)
    out.push_back(p.name);
  return out;
}

} // namespace

TEST_CASE("content_params: a parameter that names content is learned, others are not", "[content_params]") {
  test::TempDir dir;
  test::write_rules(dir);
  dir.write("content.rules", "p\nid\n!s\n");
  const Rules rules = Rules::load({dir.path("")});
  ContentParamLearner learner(rules, rules.content_params());

  SECTION("an article id on a script, each value read several times") {
    views(learner, 60, "/read", [](int i) { return fmt::format("aid={}&x=", i % 12); });
    const auto learned = learner.learned();
    REQUIRE(names(learned) == std::vector<std::string>{"aid"});
    CHECK(learned[0].path == "/read");
    CHECK(learned[0].views == 60);
    CHECK(learned[0].values == 12);
    CHECK(learned[0].path_views == 60);
  }
  SECTION("too few views, too few values, or values that do not come back: not content") {
    views(learner, ContentParamLearner::k_min_views - 1, "/a",
          [](int i) { return fmt::format("aid={}", i % 5); });
    views(learner, 100, "/b", [](int i) { return fmt::format("lang={}", i % 3); });
    views(learner, 100, "/c", [](int i) { return fmt::format("term={}", i % 70); });
    CHECK(learner.learned().empty());
  }
  SECTION("a parameter on a small part of a path's views is not what routes it") {
    views(learner, 100, "/news/story", [](int) { return std::string(); });
    views(learner, 30, "/news/story", [](int i) { return fmt::format("ref=partner{}", i % 6); });
    CHECK(learner.learned().empty());
    views(learner, 30, "/news/story", [](int i) { return fmt::format("ref=partner{}", i % 6); });
    CHECK(names(learner.learned()) == std::vector<std::string>{"ref"}); // 60 of 160: a quarter
  }
  SECTION("names kept already, marked never, tags and click ids are not learned") {
    views(learner, 100, "/", [](int i) { return fmt::format("s=q{}", i % 10); });
    views(learner, 100, "/", [](int i) { return fmt::format("utm_source=news{}", i % 10); });
    views(learner, 100, "/", [](int i) { return fmt::format("fbclid=c{}", i % 10); });
    views(learner, 100, "/item", [](int i) { return fmt::format("id={}", i % 10); });
    CHECK(learner.learned().empty());
  }
  SECTION("views that carry a kept parameter are other pages: not in the path's count") {
    views(learner, 300, "/", [](int i) { return fmt::format("p={}", i % 50); });
    views(learner, 20, "/", [](int) { return std::string(); });
    views(learner, 40, "/", [](int i) { return fmt::format("cat={}", i % 6); });
    const auto learned = learner.learned();
    REQUIRE(names(learned) == std::vector<std::string>{"cat"});
    CHECK(learned[0].path_views == 60);
  }
  SECTION("robots, previews, assets, failed and non-GET requests are no page views") {
    views(
        learner, 60, "/read", [](int i) { return fmt::format("aid={}", i % 12); }, "Googlebot/2.1 (bot)");
    views(
        learner, 60, "/read", [](int i) { return fmt::format("aid={}", i % 12); }, "WhatsApp/2.23");
    views(learner, 60, "/img.png", [](int i) { return fmt::format("aid={}", i % 12); });
    views(
        learner, 60, "/read", [](int i) { return fmt::format("aid={}", i % 12); }, k_chrome, 404);
    CHECK(learner.learned().empty());
    Hit post;
    post.request_valid = true;
    post.method = "POST";
    post.path = "/read";
    post.query = "aid=1";
    for (int i = 0; i < 60; ++i)
      learner.add(post);
    CHECK(learner.learned().empty());
  }
  SECTION("the path of most views is shown; the result is sorted by name") {
    views(learner, 40, "/zz", [](int i) { return fmt::format("b={}&a={}", i % 5, i % 5); });
    views(learner, 80, "/yy", [](int i) { return fmt::format("b={}", i % 5); });
    const auto learned = learner.learned();
    REQUIRE(names(learned) == std::vector<std::string>{"a", "b"});
    CHECK(learned[1].path == "/yy");
  }
}

TEST_CASE("content_params: learned from the first lines of the inputs, each opened once",
          "[content_params]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  std::string log;
  for (int i = 0; i < 200; ++i) {
    log +=
        fmt::format("41.58.1.{} - - [20/Nov/2026:07:15:{:02d} +0000] \"GET /read?aid={} HTTP/1.1\" 200 512 "
                    "\"-\" \"{}\"\n",
                    i % 250, i % 60, i % 20, k_chrome);
  }
  const std::string file = dir.write("access.log", log);
  std::vector<std::unique_ptr<Source>> opened;
  CHECK(names(learn_content_params({file}, std::nullopt, rules, rules.content_params(), 1000, opened)) ==
        std::vector<std::string>{"aid"});
  // The input stays open, with the bytes read ahead given again: the scan reads it whole.
  REQUIRE(opened.size() == 1);
  REQUIRE(opened[0]);
  std::string again(log.size() + 10, '\0');
  std::size_t got = 0;
  while (const std::size_t n = opened[0]->read(again.data() + got, again.size() - got))
    got += n;
  CHECK(again.substr(0, got) == log);
  // Only the first 19 lines: fewer views than k_min_views.
  CHECK(learn_content_params({file}, std::nullopt, rules, rules.content_params(), 19, opened).empty());
  // A missing file is left to the scan; past the budget of lines, files are not opened.
  CHECK(learn_content_params({dir.path("missing.log"), file, file}, std::nullopt, rules,
                             rules.content_params(), 200, opened)
            .size() == 1);
  CHECK((!opened[0] && opened[1] && !opened[2]));
}

TEST_CASE("content_params: content.rules '!name' lines and learned names", "[content_params][rules]") {
  test::TempDir dir;
  test::write_rules(dir);
  dir.write("content.rules", "p\n!s\n!s\n");
  Rules rules = Rules::load({dir.path("")});
  CHECK(rules.content_params() == std::vector<std::string>{"p"});
  CHECK(rules.never_content_params() == std::vector<std::string>{"s"});
  rules.add_content_params({"aid", "p"});
  CHECK(rules.content_params() == std::vector<std::string>{"p", "aid"});
  CHECK(rules.is_tag_param("UTM_SOURCE"));
  CHECK_FALSE(rules.is_tag_param("aid"));
  for (const char* bad : {"!\n", "!a=b\n", "!!x\n"}) {
    dir.write("content.rules", bad);
    CHECK_THROWS_WITH(Rules::load({dir.path("")}), Catch::Contains("content.rules:1"));
  }
}
