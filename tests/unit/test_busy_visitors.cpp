#include <darkscan/classify/cdn_edges.hpp>
#include <darkscan/visits/busy_visitors.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <map>

using namespace darkscan;

TEST_CASE("busy visitors: the few who start many visits are found, never overstated", "[busy_visitors]") {
  BusyVisitors busy;
  // 5,000 readers with one visit each, and 3 scrapers with 300 visits each, interleaved.
  std::uint64_t next_reader = 1000;
  for (int round = 0; round < 300; ++round) {
    for (std::uint64_t scraper = 1; scraper <= 3; ++scraper)
      busy.count(scraper);
    for (int i = 0; i < 16; ++i)
      busy.count(next_reader++);
  }
  for (int i = 0; i < 5000 - 300 * 16; ++i)
    busy.count(next_reader++);
  REQUIRE(busy.visits() == 900 + 5000);
  // The three busiest are sure to have started most of their 900 visits, and not more.
  const BusyVisitors::Top three = busy.top(3);
  CHECK(three.visitors == 3);
  CHECK(three.visits <= 900);
  CHECK(three.visits >= 900 - 3 * busy.visits() / BusyVisitors::k_slots);
  // Readers of one visit each are not among them.
  CHECK(busy.top(16).visitors == 3);
  SECTION("a site of readers only: no one stands out") {
    BusyVisitors readers;
    for (std::uint64_t r = 1; r <= 10000; ++r)
      readers.count(r);
    CHECK(readers.top(16).visitors == 0);
  }
  SECTION("one visitor for all (one carrier address, one agent)") {
    BusyVisitors one;
    for (int i = 0; i < 500; ++i)
      one.count(42);
    CHECK(one.top(16).visitors == 1);
    CHECK(one.top(16).visits == 500);
  }
}

TEST_CASE("busy visitors: the sketch's bounds hold on a long mixed stream", "[busy_visitors]") {
  // 40,000 visits from a fixed pseudo-random sequence: 20 heavy visitors, a long tail, and now and
  // then a visit taken back. Every visitor above visits()/k_slots holds a slot, and a slot's count
  // and error bound the visits its visitor started.
  BusyVisitors busy;
  std::map<std::uint64_t, std::uint64_t> truth;
  std::uint64_t state = 12345;
  const auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  for (int i = 0; i < 40000; ++i) {
    const std::uint64_t r = next() >> 33;
    const std::uint64_t visitor = r % 3 == 0 ? 1 + r % 20 : 1000 + r % 30000;
    busy.count(visitor);
    ++truth[visitor];
    if (r % 97 == 0) {
      busy.uncount(visitor);
      if (--truth[visitor] == 0) truth.erase(visitor);
    }
  }
  std::uint64_t all = 0;
  for (const auto& [visitor, n] : truth)
    all += n;
  REQUIRE(busy.visits() == all);
  std::size_t heavy = 0;
  for (const auto& [visitor, n] : truth) {
    const auto held = busy.held(visitor);
    if (n > all / BusyVisitors::k_slots) {
      ++heavy;
      REQUIRE(held);
    }
    if (held) {
      CAPTURE(visitor, n, held->count, held->error);
      CHECK(held->count >= n);
      CHECK(held->count - held->error <= n);
    }
  }
  CHECK(heavy == 20);
  // Those named surely started what top() says: never a reader of the tail, never more visits.
  std::uint64_t heavy_visits = 0;
  for (std::uint64_t visitor = 1; visitor <= 20; ++visitor)
    heavy_visits += truth[visitor];
  const BusyVisitors::Top top = busy.top(BusyVisitors::k_slots);
  CHECK(top.visitors > 0);
  CHECK(top.visitors <= 20);
  CHECK(top.visits <= heavy_visits);
}

TEST_CASE("busy visitors: the slots chosen are those of a scan of every slot", "[busy_visitors]") {
  // The sketch as first written (a scan for the key, and for the lowest-numbered least counted slot):
  // the same choices give the same counts, errors and notes (a review found a faster order that
  // made the note come less often near its threshold).
  struct Scan {
    std::array<std::uint64_t, BusyVisitors::k_slots> keys{}, counts{}, errors{};
    void count(std::uint64_t visitor) {
      std::size_t least = 0;
      for (std::size_t i = 0; i < BusyVisitors::k_slots; ++i) {
        if (counts[i] != 0 && keys[i] == visitor) {
          ++counts[i];
          return;
        }
        if (counts[i] < counts[least]) least = i;
      }
      errors[least] = counts[least];
      keys[least] = visitor;
      ++counts[least];
    }
  };
  const std::uint64_t universe = GENERATE(40, 64, 65, 200, 5000);
  BusyVisitors busy;
  Scan scan;
  std::uint64_t state = universe;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::uint64_t r = state >> 33;
    const std::uint64_t visitor = r % 4 == 0 ? r % 8 : r % universe; // a few busy ones in the crowd
    busy.count(visitor);
    scan.count(visitor);
  }
  for (std::size_t i = 0; i < BusyVisitors::k_slots; ++i) {
    if (scan.counts[i] == 0) continue;
    const auto held = busy.held(scan.keys[i]);
    REQUIRE(held);
    CHECK(held->count == scan.counts[i]);
    CHECK(held->error == scan.errors[i]);
  }
}

TEST_CASE("busy visitors: a visit taken back is no longer counted", "[busy_visitors]") {
  BusyVisitors busy;
  for (int i = 0; i < 10; ++i)
    busy.count(7);
  for (int i = 0; i < 4; ++i)
    busy.uncount(7);
  CHECK(busy.visits() == 6);
  CHECK(busy.top(1).visits == 6);
  CHECK(busy.top(1).visitors == 1);
  BusyVisitors none;
  none.uncount(7);
  CHECK(none.visits() == 0);
}

TEST_CASE("busy visitors: a server behind Cloudflare that logs Cloudflare's addresses is told so",
          "[busy_visitors]") {
  CHECK(is_cloudflare_edge("172.70.34.12"));
  CHECK(is_cloudflare_edge("162.158.1.1"));
  CHECK(is_cloudflare_edge("::ffff:104.23.1.9"));
  CHECK(is_cloudflare_edge("2a06:98c3::1"));
  CHECK_FALSE(is_cloudflare_edge("172.80.34.12"));
  CHECK_FALSE(is_cloudflare_edge("105.112.0.1"));
  CHECK_FALSE(is_cloudflare_edge("not an address"));
  // 4 edge addresses for 400 readers: the note says what to log, and not to leave them out.
  BusyVisitors busy;
  for (std::uint64_t i = 0; i < 400; ++i)
    busy.count(i % 4, true);
  const auto note = busy.note();
  REQUIRE(note);
  CHECK_THAT(note->en, Catch::StartsWith("400 of the 400 visits came from Cloudflare's addresses") &&
                           Catch::Contains("CF-Connecting-IP") && Catch::Contains("%{X-Forwarded-For}i"));
  // A few edge visits among many readers' (a visitor on a Cloudflare WARP address): no note.
  BusyVisitors mixed;
  for (std::uint64_t i = 0; i < 400; ++i)
    mixed.count(1000 + i, i < 20);
  CHECK_FALSE(mixed.note());
}
