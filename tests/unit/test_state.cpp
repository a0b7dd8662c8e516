#include "memory_source.hpp"
#include "rules_fixture.hpp"
#include "visit_hits.hpp"

#include <darkscan/classify/visitor_key.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/input/ledger.hpp>
#include <darkscan/state/state.hpp>
#include <darkscan/visits/analyzer.hpp>
#include <darkscan/visits/sessions.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace darkscan;

namespace {

constexpr std::int64_t T0 = test::k_t0;
using test::hit_of;
using test::k_chrome;
using test::Visit;

// One analyzer run over `hits` into an hourly splitter; `shard`: a shard that
// may be merged after an earlier one.
struct Run {
  Run(const Rules& rules, const std::vector<Visit>& hits, bool shard)
      : hours(State::k_slice_kind, std::nullopt, std::nullopt), analyzer(rules, {"example.com"}, hours, {}) {
    if (shard) analyzer.defer_history(Hit::k_no_time);
    for (const Visit& v : hits)
      analyzer.add(hit_of(v));
    analyzer.finish();
    state.rooted = !shard;
    state.origin = analyzer.origin();
    ScanTotals totals;
    totals.lines = hits.size();
    state.add_run(totals, std::move(hours));
    state.sessions = std::move(analyzer.sessions());
    state.previews = std::move(analyzer.previews());
    state.mail = std::move(analyzer.mail_bursts());
  }
  PeriodSplitter hours;
  Analyzer analyzer;
  State state;
};

Aggregate total_of(const State& state) {
  return state.report_periods(PeriodKind::none, std::nullopt, std::nullopt).total();
}

void check_same(const Aggregate& a, const Aggregate& b) {
  CHECK(a.totals().visits == b.totals().visits);
  CHECK(a.totals().evidence == b.totals().evidence);
  CHECK(a.totals().channels[0].visits == b.totals().channels[0].visits);
  CHECK(a.totals().dark_social_visits == b.totals().dark_social_visits);
  REQUIRE(a.pages().size() == b.pages().size());
  for (const auto& [key, stats] : a.pages()) {
    INFO(key);
    const PageStats& other = b.pages().at(key);
    CHECK(stats.visits == other.visits);
    CHECK(stats.page_views == other.page_views);
    CHECK(stats.unknown == other.unknown);
    CHECK(stats.evidence == other.evidence);
    CHECK(stats.apps == other.apps);
  }
}

} // namespace

TEST_CASE("state: shards merged in time order decide their edges as one run would", "[state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  const std::string a = "41.58.1.2", b = "41.58.9.9", c = "102.89.3.3", d = "102.89.4.4";
  const std::vector<Visit> first = {
      {T0, a, "/news/one"}, // a: new visitor
      {T0 + 2400, a, "/news/two", k_chrome, "https://example.com/news/one"},
      {T0 + 2500, "31.13.1.1", "/news/shared", "WhatsApp/2.23.20.0 A"}, // a preview of /news/shared
      {T0 + 2600, c, "/news/c"},                                        // c: seen, will return
      {T0 + 2700, d, "/news/d1"},                                       // d: no link clicked yet
  };
  const std::vector<Visit> second = {
      // 1100 s after a's last view, without referrer, in a visit whose link sent one: not a click on
      // the site's links, a new arrival (visit.unlinked), decided across the edge as one run would
      {T0 + 3500, a, "/news/three"},
      {T0 + 3600, d, "/news/d2"},     // 900 s after d's view, in a visit without a link: continues
      {T0 + 4000, b, "/news/shared"}, // direct, deep, after the preview in the first shard
      {T0 + 9000, c, "/news/c2"},     // c returns after more than 30 min: returning, not new
      {T0 + 9100, "8.8.4.4", "/news/new"},
  };
  std::vector<Visit> all = first;
  all.insert(all.end(), second.begin(), second.end());

  const Run whole(rules, all, false);
  Run one(rules, first, true), two(rules, second, true);
  const auto& first_hour = *two.state.hours.hours().begin();
  REQUIRE_FALSE(two.state.hours.unpack(first_hour.second, {}).pending().empty());

  SECTION("merged") {
    one.state.merge(std::move(two.state));
    check_same(total_of(whole.state), total_of(one.state));
    const Aggregate merged = total_of(one.state);
    CHECK(merged.pages().at("/news/three").visits == 1);
    CHECK(merged.pages().at("/news/d2").visits == 0);
    CHECK(merged.pages().at("/news/shared").apps == AppCounts{{"whatsapp", 1}});
  }
  SECTION("without the first shard, the second's edges are decided as a start") {
    const Aggregate alone = total_of(two.state);
    CHECK(alone.pages().at("/news/three").visits == 1);
    CHECK(alone.pages().at("/news/d2").visits == 1);
    CHECK(alone.pages().at("/news/shared").apps.empty());
  }
  SECTION("a round trip through the file keeps what the merge needs") {
    NamePool names;
    State loaded = decode_state(encode_state(two.state), "two.state", rules, names);
    CHECK(encode_state(loaded) == encode_state(two.state));
    one.state.merge(std::move(loaded));
    check_same(total_of(whole.state), total_of(one.state));
  }
}

TEST_CASE("state: at the seam, the site's links are known from both shards, as one run knows them",
          "[state]") {
  // A review: a messenger reader's second tap, after the later shard's own internal clicks, was lost
  // in a merge whose earlier shard had shown none.
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  const std::string reader = "41.58.7.7";
  const char* messenger = "Mozilla/5.0 [FB_IAB/MESSENGER;FBAV/400.0]";
  const std::vector<Visit> first = {{T0, reader, "/news/a", messenger}};
  std::vector<Visit> second;
  for (std::uint64_t i = 0; i < Sessions::k_links_learned; ++i)
    second.push_back({T0 + 100 + static_cast<std::int64_t>(i), "102.89.0." + std::to_string(i), "/news/x",
                      k_chrome, "https://example.com/"});
  second.push_back({T0 + 300, reader, "/news/b", messenger}); // a second tap, 5 minutes on
  std::vector<Visit> all = first;
  all.insert(all.end(), second.begin(), second.end());
  const Run whole(rules, all, false);
  REQUIRE(total_of(whole.state).pages().at("/news/b").visits == 1);
  Run one(rules, first, true), two(rules, second, true);
  NamePool names;
  State loaded = decode_state(encode_state(two.state), "two.state", rules, names);
  one.state.merge(std::move(loaded));
  check_same(total_of(whole.state), total_of(one.state));
}

TEST_CASE("state: visitors who left the session table are still returning after a round trip", "[state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  Run run(rules, {{T0, "41.58.1.2", "/news/one"}, {T0 + 600, "102.89.3.3", "/news/two"}}, false);
  State& state = run.state;
  state.forget_old(T0); // as before a save: idle visitors leave the table for the filter
  state.sessions.retire_idle(T0 + 2 * 86400);
  REQUIRE(state.sessions.size() == 0);
  REQUIRE(state.sessions.seen().size() == 2);
  NamePool names;
  const State loaded = decode_state(encode_state(state), "s", rules, names);
  CHECK(encode_state(loaded) == encode_state(state));
  const std::uint64_t c = visitor_key("102.89.3.3", "", k_chrome);
  CHECK(loaded.sessions.returning(c, T0 + 10 * 86400));
  CHECK_FALSE(loaded.sessions.returning(c, T0 + 31 * 86400));
  CHECK_FALSE(loaded.sessions.returning(visitor_key("102.89.3.4", "", k_chrome), T0 + 86400));
}

TEST_CASE("state: whether the site's links send a referrer is kept and merged (version 8)", "[state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  Run run(rules, {{T0, "41.58.1.2", "/news/one"}}, false);
  State& state = run.state;
  NamePool names;
  CHECK_FALSE(decode_state(encode_state(state), "s", rules, names).sessions.site_links());
  for (std::uint64_t i = 1; i < Sessions::k_links_learned; ++i)
    state.sessions.count_internal_view();
  const State loaded = decode_state(encode_state(state), "s", rules, names);
  CHECK(loaded.sessions.internal_views() == Sessions::k_links_learned - 1);
  CHECK_FALSE(loaded.sessions.site_links());
  Sessions other;
  other.count_internal_view();
  state.sessions.merge(other); // shards add up
  CHECK(state.sessions.site_links());
  CHECK(decode_state(encode_state(state), "s", rules, names).sessions.site_links());
}

TEST_CASE("state: the machine and mailing rules' history is kept, forgotten and merged (version 10)",
          "[state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  Run run(rules, {{T0, "41.58.1.2", "/news/one"}}, false);
  State& state = run.state;
  Sessions::Visitor& v = state.sessions.visitor(visitor_key("41.58.1.2", "", k_chrome), T0);
  REQUIRE(v.seen);
  v.last_bare = true;
  v.machine = true;
  constexpr std::int64_t hour = MailBursts::k_window;
  for (int i = 0; i < 5; ++i)
    state.mail.remember("/news/letter", T0 + 60 * i);
  state.mail.remember("/news/old", T0 - 2 * hour);
  NamePool names;
  State loaded = decode_state(encode_state(state), "s", rules, names);
  CHECK(encode_state(loaded) == encode_state(state));
  const Sessions::Visitor* back = loaded.sessions.find(visitor_key("41.58.1.2", "", k_chrome));
  REQUIRE(back);
  CHECK(back->last_bare);
  CHECK(back->machine);
  // Five arrivals kept: a sixth within the hour is a mailing, as in one run.
  MailBursts next(6);
  loaded.mail.for_each([&](std::string_view page, const std::vector<std::int64_t>& times) {
    for (const std::int64_t t : times)
      next.remember(page, t);
  });
  CHECK(next.mailing("/news/letter", T0 + 1800));
  CHECK_FALSE(next.mailing("/news/old", T0 - hour));
  // An hour after the last hit, a page's arrivals before it are forgotten.
  loaded.mail.forget_before(T0);
  CHECK(loaded.mail.pages() == 1);
  // A later shard's arrivals come after this one's; the ring keeps the latest.
  MailBursts later(6);
  CHECK_FALSE(later.mailing("/news/letter", T0 + 600));
  State merged = decode_state(encode_state(state), "s", rules, names);
  merged.mail = MailBursts(6);
  merged.mail.merge(loaded.mail);
  merged.mail.merge(later);
  std::vector<std::int64_t> kept;
  merged.mail.for_each([&](std::string_view page, const std::vector<std::int64_t>& times) {
    if (page == "/news/letter") kept = times;
  });
  CHECK(kept == std::vector<std::int64_t>{T0 + 60, T0 + 120, T0 + 180, T0 + 240, T0 + 600});
}

TEST_CASE("state: runs shorter than a day, each from the state of the one before, still forget after 30 days",
          "[state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  Run run(rules, {{T0, "102.89.3.3", "/news/one"}}, false);
  State state = std::move(run.state);
  const std::uint64_t gone = visitor_key("102.89.3.3", "", k_chrome);
  NamePool names;
  // Twice a day for 50 days: another visitor's page view, then the state saved and read again. The
  // filter's stamps wrap after 45 days: read without a sweep, the first visitor would come back.
  for (std::int64_t run_number = 1; run_number <= 100; ++run_number) {
    const std::int64_t t = T0 + run_number * 43200;
    Sessions::Visitor& v = state.sessions.visitor(static_cast<std::uint64_t>(run_number) * 7919 + 1, t);
    v.seen = v.timed = true;
    v.last_page_view = t;
    state.sessions.retire_idle(t + 7200);
    if (run_number == 40) CHECK(state.sessions.returning(gone, T0 + 20 * 86400));
    state = decode_state(encode_state(state), "s", rules, names);
  }
  CHECK_FALSE(state.sessions.returning(gone, T0 + 50 * 86400));
  CHECK(state.sessions.returning(100 * 7919 + 1, T0 + 50 * 86400));
}

TEST_CASE("state: a damaged, truncated or foreign file is refused", "[state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  const Run run(rules, {{T0, "41.58.1.2", "/news/one"}, {T0 + 10, "31.13.1.1", "/x", "WhatsApp/2 A"}}, true);
  LedgerEntry entry;
  entry.fingerprint = 42;
  entry.fingerprint_size = 100;
  entry.offset = 1000;
  entry.name = "access.log";
  State state = run.state;
  state.ledger.add(entry);
  const std::string good = encode_state(state);
  NamePool names;
  REQUIRE_NOTHROW(decode_state(good, "s", rules, names));

  auto refused = [&](const std::string& bytes) {
    try {
      decode_state(bytes, "s", rules, names);
    } catch (const Error& e) {
      return e.code() == ExitCode::input_failed && std::string(e.what()).find("'s'") != std::string::npos;
    }
    return false;
  };
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    INFO("byte " << i << " flipped");
    CHECK(refused(bad));
  }
  for (std::size_t size = 0; size < good.size(); size += 7) {
    INFO("cut to " << size << " bytes");
    CHECK(refused(good.substr(0, size)));
  }
  CHECK(refused(good + "x"));
  CHECK(refused("192.0.2.1 - - [20/Nov/2026:06:00:04 +0100] \"GET / HTTP/1.1\" 200 0\n"));
}

TEST_CASE("ledger: an input is known by its first bytes, under any name", "[state]") {
  const std::string day1 = "line one\nline two\n";
  const std::string day2 = day1 + "line three\nline four\n";
  Ledger ledger;
  auto read_all = [&](const std::string& data, const std::string& name) {
    Resume r = ledger.resume(std::make_unique<test::MemorySource>(data, 3));
    std::string got;
    char buf[64];
    for (std::size_t n; (n = r.source->read(buf, sizeof buf)) > 0;)
      got.append(buf, n);
    ledger.record(r, Codec::plain, data.size(), r.offset + got.size(), 0, false, name, 0);
    return got;
  };
  CHECK(read_all(day1, "access.log") == day1);
  CHECK(read_all(day2, "access.log.1") == "line three\nline four\n"); // renamed, grown
  CHECK(read_all(day2, "access.log.2") == "");                        // nothing new
  CHECK(read_all("other start\n", "access.log") == "other start\n");  // a new file under the old name
  CHECK(ledger.entries().size() == 2);
}

TEST_CASE("state: lines that are not requests are counted across runs (version 5)", "[state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  Run run(rules, {{T0, "41.58.1.2", "/news/one"}}, false);
  ScanTotals second;
  second.lines = 5;
  second.parsed = 1;
  second.not_records = 4; // "#Fields" and the other directives of an IIS log
  run.state.counters.add(second);
  NamePool names;
  const State loaded = decode_state(encode_state(run.state), "s", rules, names);
  CHECK(loaded.counters.not_records == 4);
  CHECK(loaded.counters.totals().not_records == 4);
  CHECK(loaded.counters.lines == 6);
  SECTION("a version 3 state is still read, with none") {
    const std::string v3 = std::string(DARKSCAN_TEST_DATA_DIR) + "/state/combined-head200.v3.state";
    const State old = load_state(v3, rules, names);
    CHECK(old.counters.not_records == 0);
  }
}
