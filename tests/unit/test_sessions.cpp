#include <darkscan/parse/hit.hpp>
#include <darkscan/visits/seen_visitors.hpp>
#include <darkscan/visits/sessions.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

using namespace darkscan;

namespace {

constexpr std::int64_t T0 = 1795158902; // 2026-11-20T07:15:02Z
constexpr std::int64_t k_day = 86400;
constexpr std::int64_t k_window = 30 * k_day;

std::vector<std::uint64_t> random_keys(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> keys(n);
  for (auto& k : keys)
    k = rng() | 1;
  return keys;
}

} // namespace

TEST_CASE("seen_visitors: a visitor is seen for 30 days, to 2 minutes", "[sessions]") {
  SeenVisitors seen(k_window);
  CHECK_FALSE(seen.seen(42, T0));
  seen.insert(42, T0);
  CHECK(seen.seen(42, T0));
  CHECK(seen.seen(42, T0 + 10 * k_day));
  CHECK(seen.seen(42, T0 - 3600)); // seen after: times may step back
  CHECK(seen.seen(42, T0 + k_window - SeenVisitors::k_unit));
  CHECK_FALSE(seen.seen(42, T0 + k_window + 2 * SeenVisitors::k_unit));
  CHECK_FALSE(seen.seen(43, T0));
  SECTION("a later page view moves the time on, an earlier one does not") {
    seen.insert(42, T0 + 20 * k_day);
    seen.insert(42, T0 + 5 * k_day);
    CHECK(seen.seen(42, T0 + 45 * k_day));
    CHECK(seen.size() == 1);
  }
  SECTION("past the window the slot is emptied, and a stamp never comes back after its 16 bits wrap") {
    for (std::int64_t day = 1; day <= 100; ++day)
      seen.insert(1000 + day, T0 + day * k_day);
    CHECK(seen.size() == 31); // the last 30 days, and the day itself
    CHECK_FALSE(seen.seen(42, T0 + 65536 * SeenVisitors::k_unit));
    CHECK_FALSE(seen.seen(1001, T0 + 100 * k_day));
    CHECK(seen.seen(1080, T0 + 100 * k_day));
  }
  SECTION("a page view older than the window before the latest is not kept") {
    seen.insert(7, T0 + 40 * k_day);
    seen.insert(8, T0 + 5 * k_day);
    CHECK_FALSE(seen.seen(8, T0 + 6 * k_day));
  }
}

TEST_CASE("seen_visitors: 500,000 visitors are all recognised, and strangers rarely taken for them",
          "[sessions]") {
  SeenVisitors seen(k_window);
  const auto keys = random_keys(500000, 1);
  for (std::size_t i = 0; i < keys.size(); ++i)
    seen.insert(keys[i], T0 + static_cast<std::int64_t>(i) * 5);
  const std::int64_t end = T0 + 500000 * 5;
  std::size_t recognised = 0;
  for (const std::uint64_t k : keys)
    recognised += seen.seen(k, end);
  CHECK(recognised == keys.size());
  std::size_t strangers = 0;
  for (const std::uint64_t k : random_keys(200000, 2))
    strangers += seen.seen(k, end);
  // 8 slots of 16-bit fingerprints, an eighth of them in use: about 8 / 65536 / 8 = 1.5e-5.
  CHECK(strangers < 40);
  CHECK(seen.dropped() == 0);

  SECTION("a copy and a merge keep them") {
    SeenVisitors other(k_window);
    const auto more = random_keys(1000, 3);
    for (const std::uint64_t k : more)
      other.insert(k, end + 60);
    other.merge(seen);
    for (const std::uint64_t k : more)
      CHECK(other.seen(k, end + 60));
    std::size_t kept = 0;
    for (const std::uint64_t k : keys)
      kept += other.seen(k, end + 60);
    CHECK(kept == keys.size());
    const SeenVisitors copy = other;
    CHECK(copy.size() == other.size());
    CHECK(copy.seen(more[0], end + 60));
  }
}

TEST_CASE("seen_visitors: when full, the oldest visitors are forgotten first", "[sessions]") {
  SeenVisitors seen(k_window);
  const std::size_t n = SeenVisitors::k_slots + SeenVisitors::k_slots / 4;
  const auto keys = random_keys(n, 4);
  const std::int64_t step_ms = 20 * k_day * 1000 / static_cast<std::int64_t>(n);
  for (std::size_t i = 0; i < n; ++i)
    seen.insert(keys[i], T0 + static_cast<std::int64_t>(i) * step_ms / 1000);
  CHECK(seen.dropped() > 0);
  const std::int64_t end = T0 + 20 * k_day;
  std::size_t recent = 0;
  for (std::size_t i = n / 2; i < n; ++i)
    recent += seen.seen(keys[i], end);
  CHECK(recent >= (n - n / 2) * 99 / 100);
}

TEST_CASE("sessions: idle visitors leave the table, and are still returning", "[sessions]") {
  Sessions sessions;
  const auto keys = random_keys(100000, 5);
  // 100,000 visitors, one every 10 seconds: about 360 are active at a time.
  std::size_t taken_for_returning = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::int64_t t = T0 + static_cast<std::int64_t>(i) * 10;
    Sessions::Visitor& v = sessions.visitor(keys[i]);
    taken_for_returning += sessions.returning(v, t);
    v.seen = v.timed = true;
    v.last_page_view = t;
  }
  CHECK(taken_for_returning < 10); // the filter's false positives: about 1.5 expected
  CHECK(sessions.size() < 2048);
  const std::int64_t end = T0 + 1000000;
  CHECK(sessions.find(keys[0]) == nullptr);
  CHECK(sessions.returning(keys[0], end));
  CHECK(sessions.returning(keys.back(), end));
  CHECK_FALSE(sessions.returning(keys[0], T0 + 31 * k_day));
  CHECK_FALSE(sessions.returning(12345, end));

  SECTION("retire_idle empties the table into the filter") {
    sessions.retire_idle(end + Sessions::k_idle);
    CHECK(sessions.size() == 0);
    CHECK(sessions.returning(keys.back(), end));
  }
  SECTION("a visitor without times stays, and is returning") {
    Sessions::Visitor& v = sessions.visitor(99);
    v.seen = true;
    sessions.retire_idle(end);
    CHECK(sessions.find(99) != nullptr);
    CHECK(sessions.returning(99, Hit::k_no_time));
  }
}

TEST_CASE("sessions: idleness is measured against the hit being read, not the latest time", "[sessions]") {
  // Two servers' logs of one day, read one after the other: the second starts a day earlier than
  // where the first ended; its visitors are active, whatever the first's times.
  Sessions sessions;
  const auto later = random_keys(5000, 6);
  for (std::size_t i = 0; i < later.size(); ++i) {
    Sessions::Visitor& v = sessions.visitor(later[i], T0 + k_day);
    v.seen = v.timed = true;
    v.last_page_view = T0 + k_day;
  }
  Sessions::Visitor& reader = sessions.visitor(42, T0);
  reader.seen = reader.timed = true;
  reader.last_page_view = T0;
  const auto others = random_keys(20000, 7);
  for (std::size_t i = 0; i < others.size(); ++i) {
    const std::int64_t t = T0 + 60 + static_cast<std::int64_t>(i / 100);
    Sessions::Visitor& v = sessions.visitor(others[i], t);
    v.seen = v.timed = true;
    v.last_page_view = t;
  }
  const Sessions::Visitor* kept = sessions.find(42);
  REQUIRE(kept != nullptr);
  CHECK(Sessions::continues(*kept, T0 + 600));
}
