#include "rules_fixture.hpp"
#include "visit_hits.hpp"

#include <darkscan/state/hour_store.hpp>
#include <darkscan/state/state.hpp>
#include <darkscan/visits/analyzer.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace darkscan;

namespace {

constexpr std::int64_t T0 = test::k_t0;
constexpr const char* k_whatsapp = "WhatsApp/2.23.20.0 A";
using test::hit_of;
using test::k_chrome;
using TestLine = test::Visit;

// Lines over three hours, with previews, internal links (targets), apps, and lines that go back to
// an hour the log had left an hour before.
std::vector<TestLine> three_hours() {
  std::vector<TestLine> lines;
  for (int i = 0; i < 40; ++i) {
    const std::int64_t t = T0 + i * 260; // 07:15 to 10:04
    const std::string client = "41.58.1." + std::to_string(i % 7);
    const std::string news = "/news/" + std::to_string(i % 5);
    lines.push_back({t, "31.13.1.1", news, k_whatsapp});
    lines.push_back({t + 5, client, news});
    lines.push_back(
        {t + 9, client, "/sport/" + std::to_string(i % 3), k_chrome, "https://example.com" + news});
    if (i % 9 == 8) lines.push_back({T0 + 30 + i, "8.8.4.4", "/news/late-" + std::to_string(i)});
  }
  return lines;
}

// `exact_targets`: false where a page meets more link targets than it keeps (PageStats::k_max_targets):
// which ones it keeps then depends on the order it met them in, their number does not.
void check_identical(const Aggregate& a, const Aggregate& b, bool exact_targets = true) {
  const TrafficTotals &x = a.totals(), &y = b.totals();
  CHECK(x.bots == y.bots);
  CHECK(x.previews == y.previews);
  CHECK(x.assets == y.assets);
  CHECK(x.page_views == y.page_views);
  CHECK(x.visits == y.visits);
  CHECK(x.dark_social_visits == y.dark_social_visits);
  CHECK(x.evidence == y.evidence);
  for (std::size_t i = 0; i < x.channels.size(); ++i)
    CHECK(x.channels[i].visits == y.channels[i].visits);
  CHECK(x.previews_by_app == y.previews_by_app);
  REQUIRE(a.pages().size() == b.pages().size());
  for (const auto& [key, stats] : a.pages()) {
    INFO(key);
    const PageStats& other = b.pages().at(key);
    CHECK(stats.page_views == other.page_views);
    CHECK(stats.visits == other.visits);
    CHECK(stats.dark_social_visits == other.dark_social_visits);
    CHECK(stats.unknown == other.unknown);
    CHECK(stats.evidence == other.evidence);
    CHECK(stats.evidence_previews == other.evidence_previews);
    CHECK(stats.internal_out == other.internal_out);
    if (exact_targets) {
      CHECK(stats.targets == other.targets);
    } else {
      CHECK(stats.targets.size() == other.targets.size());
    }
    CHECK(stats.previews == other.previews);
    CHECK(stats.apps == other.apps);
  }
  REQUIRE(a.pending().size() == b.pending().size());
  for (std::size_t i = 0; i < a.pending().size(); ++i) {
    const PendingArrival &p = a.pending()[i], &q = b.pending()[i];
    CHECK(p.page == q.page);
    CHECK(p.path == q.path);
    CHECK(p.time == q.time);
    CHECK(p.visitor == q.visitor);
    CHECK(p.channel == q.channel);
    CHECK(p.evidence == q.evidence);
    CHECK(p.app == q.app);
    CHECK(p.open == q.open);
    CHECK(p.forced == q.forced);
    CHECK(p.signature == q.signature);
  }
}

// The hourly counts of `lines` (a shard, so that some arrivals stay pending), with the splitter's
// hours handed to `store` as they close when `store` is given (looking on every hit, with no
// lag); `handed_at`: the index of the line at each hand-over.
PeriodSplitter count_hours(const Rules& rules, const std::vector<TestLine>& lines, HourStore* store,
                           std::size_t* most_held = nullptr, std::vector<std::size_t>* handed_at = nullptr) {
  PeriodSplitter hours(State::k_slice_kind, std::nullopt, std::nullopt);
  std::size_t at = 0;
  if (store) {
    hours.hand_off_closed(
        [store, handed_at, &at](std::int64_t start, PeriodSplitter::Slice&& hour) {
          store->add(start, hour.period, hour.traffic);
          if (handed_at) handed_at->push_back(at);
        },
        0, 1);
  }
  Analyzer analyzer(rules, {"example.com"}, hours, {});
  analyzer.defer_history(Hit::k_no_time);
  for (const TestLine& l : lines) {
    analyzer.add(hit_of(l));
    ++at;
    if (most_held) *most_held = std::max(*most_held, hours.slices().size());
  }
  analyzer.finish();
  return hours;
}

} // namespace

TEST_CASE("hour_store: hours handed over as they close, in parts, hold the counts one slice each would",
          "[hour_store][state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  const std::vector<TestLine> lines = three_hours();

  const PeriodSplitter whole = count_hours(rules, lines, nullptr);
  REQUIRE(whole.slices().size() == 4); // 07:00 to 10:00

  HourStore store;
  std::size_t most_held = 0;
  PeriodSplitter rest = count_hours(rules, lines, &store, &most_held);
  // Hours were handed over during the run, and some more than once (the late hits).
  CHECK(most_held < whole.slices().size());
  CHECK_FALSE(store.empty());
  for (auto& [start, slice] : rest.take_slices())
    store.add(start, slice.period, slice.traffic);

  REQUIRE(store.hours().size() == whole.slices().size());
  bool some_pending = false;
  for (const auto& [start, slice] : whole.slices()) {
    INFO(slice.period.label);
    const auto it = store.hours().find(start);
    REQUIRE(it != store.hours().end());
    CHECK(it->second.period.label == slice.period.label);
    CHECK(it->second.period.end == slice.period.end);
    check_identical(store.unpack(it->second, {}), slice.traffic);
    some_pending = some_pending || !slice.traffic.pending().empty();
  }
  CHECK(some_pending);

  SECTION("unpack_into adds, as merge does") {
    Aggregate twice;
    for (const auto& [start, hour] : store.hours()) {
      store.unpack_into(hour, twice);
      store.unpack_into(hour, twice);
    }
    Aggregate expected;
    for (const auto& [start, slice] : whole.slices()) {
      expected.merge(slice.traffic);
      expected.merge(slice.traffic);
    }
    check_identical(twice, expected);
  }

  SECTION("a copy unpacks the same once the original is gone") {
    auto original = std::make_unique<HourStore>();
    for (const auto& [start, slice] : whole.slices())
      original->add(start, slice.period, slice.traffic);
    const HourStore copy(*original);
    HourStore assigned;
    assigned = *original;
    original.reset();
    for (const auto& [start, slice] : whole.slices()) {
      check_identical(copy.unpack(copy.hours().at(start), {}), slice.traffic);
      check_identical(assigned.unpack(assigned.hours().at(start), {}), slice.traffic);
    }
  }
}

TEST_CASE("hour_store: a second log of the same hours is handed over as it goes, and a page past its "
          "link targets' cap keeps as many",
          "[hour_store][state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  // Two logs of the same three hours, one after the other (a second server's), and a front page
  // that links to 40 pages, more than the 32 it keeps, in every hour.
  std::vector<TestLine> lines = three_hours();
  const std::size_t second_log = lines.size();
  for (TestLine l : three_hours()) {
    l.client = "102.89." + l.client.substr(l.client.rfind('.') + 1) + ".7";
    lines.push_back(l);
  }
  for (int i = 0; i < 240; ++i) {
    lines.push_back({T0 + 600 + i * 45, "41.58.2." + std::to_string(i % 9),
                     "/story/" + std::to_string(i % 40), k_chrome, "https://example.com/"});
  }
  const PeriodSplitter whole = count_hours(rules, lines, nullptr);
  HourStore store;
  std::vector<std::size_t> handed_at;
  PeriodSplitter rest = count_hours(rules, lines, &store, nullptr, &handed_at);
  for (auto& [start, slice] : rest.take_slices())
    store.add(start, slice.period, slice.traffic);

  // The second log went back three hours: its hours were handed over while it was read, not left
  // for the end.
  CHECK(std::any_of(handed_at.begin(), handed_at.end(),
                    [&](std::size_t at) { return at > second_log && at < 2 * second_log; }));
  bool capped = false;
  REQUIRE(store.hours().size() == whole.slices().size());
  for (const auto& [start, slice] : whole.slices()) {
    check_identical(store.unpack(store.hours().at(start), {}), slice.traffic, false);
    const auto front = slice.traffic.pages().find("/");
    capped = capped || (front != slice.traffic.pages().end() &&
                        front->second.targets.size() == PageStats::k_max_targets);
  }
  CHECK(capped);
}

TEST_CASE("hour_store: a state's hours survive its file, and the file does not depend on the order "
          "pages were met in",
          "[hour_store][state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  const std::vector<TestLine> lines = three_hours();
  PeriodSplitter whole = count_hours(rules, lines, nullptr);

  // The same hours added in two orders: the store's tables differ, the files must not.
  State forward, backward;
  for (const auto& [start, slice] : whole.slices())
    forward.hours.add(start, slice.period, slice.traffic);
  for (auto it = whole.slices().rbegin(); it != whole.slices().rend(); ++it)
    backward.hours.add(it->first, it->second.period, it->second.traffic);
  REQUIRE(forward.hours.keys() != backward.hours.keys());
  const std::string bytes = encode_state(forward);
  CHECK(encode_state(backward) == bytes);

  NamePool names;
  const State loaded = decode_state(bytes, "s", rules, names);
  CHECK(encode_state(loaded) == bytes);
  for (const auto& [start, slice] : whole.slices())
    check_identical(loaded.hours.unpack(loaded.hours.hours().at(start), {}), slice.traffic);
}

TEST_CASE("hour_store: --state-keep drops the hours before the cutoff and the keys only they named",
          "[hour_store][state]") {
  test::TempDir dir;
  test::write_rules(dir);
  const Rules rules = Rules::load({dir.path("")});
  std::vector<TestLine> lines = three_hours();
  // A page read only in the first hour (07:00), and untimed counts, which no cutoff drops.
  lines.insert(lines.begin(), {T0 + 1, "41.58.9.9", "/only/seven"});
  const PeriodSplitter whole = count_hours(rules, lines, nullptr);
  REQUIRE(whole.slices().size() == 4);
  const std::int64_t second = std::next(whole.slices().begin())->first; // 08:00

  State state;
  for (const auto& [start, slice] : whole.slices())
    state.hours.add(start, slice.period, slice.traffic);
  Aggregate untimed;
  untimed.page("/untimed").page_views = 3;
  state.hours.add(Hit::k_no_time, Period{}, untimed);
  state.counters.first_time = T0 + 1;
  state.counters.last_time = whole.slices().rbegin()->first + 240; // 10:04
  const auto has_key = [&](std::string_view key) {
    const auto& keys = state.hours.keys();
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  };
  REQUIRE(has_key("/only/seven"));

  const std::int64_t last = state.counters.last_time;
  // A line dated in the future (here 2099) moves the last hit, not the cutoff: now less 2 h.
  State future = state;
  future.counters.last_time = 4070908800; // 2099-01-01
  CHECK(future.keep_last(2 * 3600, last) == 1);
  CHECK(future.hours.hours().size() == 4);
  CHECK(future.counters.first_time == second);
  // A clock as late as that line changes nothing: the hours held are counted back from the newest
  // (10:00, taken to its last second: 08:59:59 is the cutoff, and 08:00 ends after it).
  State ahead = state;
  ahead.counters.last_time = 4070908800;
  CHECK(ahead.keep_last(2 * 3600, 4070908800 + 60) == 1);
  CHECK(ahead.counters.first_time == second);
  // A clock before every hour held: nothing to count back from, nothing dropped.
  State early = state;
  CHECK(early.keep_last(2 * 3600, T0 - 86400) == 0);

  // Kept: the hours that end after the last hit less 2 h, 08:04 (07:00 ends at 08:00, 08:00 at 09:00).
  CHECK(state.keep_last(2 * 3600, last + 86400) == 1);
  CHECK(state.hours.hours().size() == 4); // 08:00 to 10:00, and the untimed hits
  CHECK_FALSE(has_key("/only/seven"));
  CHECK(state.counters.first_time == second);
  for (const auto& [start, slice] : whole.slices()) {
    if (start < second) continue;
    INFO(slice.period.label);
    check_identical(state.hours.unpack(state.hours.hours().at(start), {}), slice.traffic);
  }
  CHECK(state.hours.unpack(state.hours.hours().at(Hit::k_no_time), {}).pages().at("/untimed").page_views ==
        3);
  for (const auto& [start, hour] : state.hours.hours())
    CHECK(future.hours.hours().at(start).packed == hour.packed);
  // A state written after the cutoff is the state of the hours kept, whatever came before.
  State fresh;
  for (const auto& [start, slice] : whole.slices())
    if (start >= second) fresh.hours.add(start, slice.period, slice.traffic);
  fresh.hours.add(Hit::k_no_time, Period{}, untimed);
  fresh.counters = state.counters;
  CHECK(encode_state(fresh) == encode_state(state));

  // Nothing older than the cutoff: nothing dropped, the first hit's time as it was.
  CHECK(state.keep_last(24 * 3600, last) == 0);
  CHECK(state.counters.first_time == second);
}
