#include <darkscan/common/error.hpp>
#include <darkscan/util/time_parse.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

using namespace darkscan::util;

namespace {

// TZ set for a test's time, the process's own put back after it.
class TimeZone {
public:
  explicit TimeZone(const char* tz) {
    if (const char* old = std::getenv("TZ")) m_old = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~TimeZone() {
    if (m_old)
      ::setenv("TZ", m_old->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }
  TimeZone(const TimeZone&) = delete;
  TimeZone& operator=(const TimeZone&) = delete;

private:
  std::optional<std::string> m_old;
};

} // namespace

TEST_CASE("time_parse: days_from_civil", "[time]") {
  STATIC_REQUIRE(days_from_civil(1970, 1, 1) == 0);
  STATIC_REQUIRE(days_from_civil(2000, 3, 1) == 11017);
  STATIC_REQUIRE(days_from_civil(2024, 2, 29) == 19782);
}

TEST_CASE("time_parse: Common Log Format", "[time]") {
  std::int64_t t = 0;
  SECTION("offsets are converted to UTC") {
    REQUIRE(parse_clf_time("10/Oct/2000:13:55:36 -0700", t));
    CHECK(t == 971211336);
    REQUIRE(parse_clf_time("10/Oct/2000:20:55:36 +0000", t));
    CHECK(t == 971211336);
    REQUIRE(parse_clf_time("22/Jan/2019:03:56:14 +0330", t)); // Tehran
    CHECK(t == 1548116774);
    REQUIRE(parse_clf_time("31/Dec/2026:23:30:00 -0545", t)); // crosses the year
    CHECK(t == 1798780500);
  }
  SECTION("times a report can write, 1970 to 9999 in UTC, whatever the offset") {
    REQUIRE(parse_clf_time("31/Dec/9999:23:59:59 +0000", t));
    CHECK(t == 253402300799);
    CHECK_FALSE(parse_clf_time("31/Dec/9999:23:59:59 -1200", t)); // 10000-01-01 in UTC (a review)
    CHECK_FALSE(parse_clf_time("01/Jan/1970:00:00:00 +1400", t)); // 1969 in UTC
    CHECK_FALSE(parse_iso8601("9999-12-31T23:00:00-02:00", t));
    // The same minute read again, from what the line before left (a second review)
    REQUIRE(parse_clf_time("31/Dec/9999:23:59:59 +0000", t));
    CHECK_FALSE(parse_clf_time("31/Dec/9999:23:59:60 +0000", t));
  }
  SECTION("month names in any case, one-digit days") {
    REQUIRE(parse_clf_time("1/JAN/2020:00:00:00 +0000", t));
    CHECK(t == 1577836800);
  }
  SECTION("leap day and leap second") {
    REQUIRE(parse_clf_time("29/Feb/2024:12:00:00 +0000", t));
    CHECK(t == 1709208000);
    CHECK(parse_clf_time("31/Dec/2016:23:59:60 +0000", t));
  }
  SECTION("malformed") {
    std::int64_t before = t = 42;
    for (const char* bad :
         {"", "10/Oct/2000", "10/Okt/2000:13:55:36 -0700", "10/Oct/2000:24:00:00 +0000",
          "10/Oct/2000:13:61:00 +0000", "32/Oct/2000:13:55:36 +0000", "10/Oct/2000:13:55:36 0700",
          "10/Oct/2000:13:55:36 -0700x", "10/Oct/2000:13:55:36 +2500", "10/Oct/20:13:55:36 +0000",
          "31/Nov/2026:10:00:00 +0000", "29/Feb/2026:10:00:00 +0000"}) {
      INFO(bad);
      CHECK_FALSE(parse_clf_time(bad, t));
      CHECK(t == before);
    }
  }
}

TEST_CASE("time_parse: lines of one minute, read from the remembered minute", "[time]") {
  std::int64_t t = 0;
  REQUIRE(parse_clf_time("10/Oct/2000:13:55:36 -0700", t));
  CHECK(t == 971211336);
  REQUIRE(parse_clf_time("10/Oct/2000:13:55:59 -0700", t)); // same minute
  CHECK(t == 971211359);
  REQUIRE(parse_clf_time("10/Oct/2000:13:55:00 +0000", t)); // same minute, another offset
  CHECK(t == 971186100);
  REQUIRE(parse_clf_time("10/Oct/2000:13:55:60 +0000", t)); // leap second
  CHECK(t == 971186160);
  REQUIRE(parse_clf_time("10/Oct/2000:13:56:01 +0000", t)); // the next minute
  CHECK(t == 971186161);
  REQUIRE(parse_clf_time("1/Oct/2000:13:56:01 +00:00", t)); // one-digit day, 26 bytes too
  CHECK(t == 971186161 - 9 * 86400);
  REQUIRE(parse_clf_time("1/Oct/2000:13:56:02 +00:00", t)); // not remembered: its seconds are elsewhere
  CHECK(t == 971186162 - 9 * 86400);
  REQUIRE(parse_clf_time("10/Oct/2000:13:56:01 +0000", t));
  std::int64_t before = t;
  for (const char* bad : {"10/Oct/2000:13:56:61 +0000", "10/Oct/2000:13:56:6x +0000",
                          "10/Oct/2000:13:56:01 +0000x", "10/Oct/2000:13:56:01x+0000"}) {
    INFO(bad);
    CHECK_FALSE(parse_clf_time(bad, t));
    CHECK(t == before);
  }
}

TEST_CASE("time_parse: ISO 8601", "[time]") {
  std::int64_t t = 0;
  REQUIRE(parse_iso8601("2026-11-20T08:15:02+01:00", t));
  CHECK(t == 1795158902);
  REQUIRE(parse_iso8601("2026-11-20T07:15:02Z", t));
  CHECK(t == 1795158902);
  REQUIRE(parse_iso8601("2026-11-20T02:15:02-0500", t));
  CHECK(t == 1795158902);
  REQUIRE(parse_iso8601("2026-11-20 07:15:02.123456Z", t));
  CHECK(t == 1795158902);
  CHECK_FALSE(parse_iso8601("2026-11-20", t));
  CHECK_FALSE(parse_iso8601("2026-13-20T07:15:02Z", t));
  CHECK_FALSE(parse_iso8601("2026-02-29T07:15:02Z", t)); // not a leap year
  CHECK_FALSE(parse_iso8601("2100-02-29T07:15:02Z", t)); // nor is 2100
  CHECK_FALSE(parse_iso8601("2026-06-31T07:15:02Z", t));
  REQUIRE(parse_iso8601("2000-02-29T00:00:00Z", t));
  CHECK(t == 951782400);
  CHECK_FALSE(parse_iso8601("2026-11-20T07:15:02+01:00 ", t));
  CHECK_FALSE(parse_iso8601("2026-11-20T07:15:02.Z", t));
}

TEST_CASE("time_parse: a CLF or ISO 8601 time without its offset is local time", "[time]") {
  // Read as UTC whatever TZ said, while %{...}t patterns read local time (a review, 2026-12-07).
  std::int64_t t = 0;
  {
    const TimeZone paris("Europe/Paris"); // UTC+1 in November, +2 in July
    REQUIRE(parse_clf_time("20/Nov/2026:08:15:02", t));
    CHECK(t == 1795158902);
    REQUIRE(parse_iso8601("2026-11-20T08:15:02", t));
    CHECK(t == 1795158902);
    REQUIRE(parse_iso8601("2026-07-20 09:15:02.5", t));
    CHECK(t == 1784531702);
    REQUIRE(parse_clf_time("20/Nov/2026:07:15:02 +0000", t)); // an offset still wins
    CHECK(t == 1795158902);
  }
  {
    const TimeZone utc("UTC");
    REQUIRE(parse_iso8601("2026-11-20T07:15:02", t));
    CHECK(t == 1795158902);
  }
}

TEST_CASE("time_parse: epoch", "[time]") {
  std::int64_t t = 0;
  REQUIRE(parse_epoch("1795158902", 1, t));
  CHECK(t == 1795158902);
  REQUIRE(parse_epoch("1795158902.999", 1, t)); // nginx $msec
  CHECK(t == 1795158902);
  REQUIRE(parse_epoch("1795158902123", 1000, t)); // Apache %{msec}t
  CHECK(t == 1795158902);
  REQUIRE(parse_epoch("1795158902123456", 1000000, t));
  CHECK(t == 1795158902);
  CHECK_FALSE(parse_epoch("", 1, t));
  CHECK_FALSE(parse_epoch("-1", 1, t));
  CHECK_FALSE(parse_epoch("12a", 1, t));
  CHECK_FALSE(parse_epoch("1.", 1, t));
  CHECK_FALSE(parse_epoch("99999999999999999999999", 1, t));
  CHECK_FALSE(parse_epoch("253402300800", 1, t)); // 10000-01-01
  CHECK(parse_epoch("253402300799", 1, t));
}

TEST_CASE("time_parse: strftime patterns", "[time]") {
  const TimeZone utc("UTC");
  std::int64_t t = 0;
  SECTION("Apache's own %t as a pattern") {
    const TimePattern p = TimePattern::compile("%d/%b/%Y:%H:%M:%S %z");
    CHECK(p.contains_space());
    REQUIRE(p.parse("20/Nov/2026:08:15:02 +0100", t));
    CHECK(t == 1795158902);
    CHECK_FALSE(p.parse("20/Nov/2026:08:15:02", t));
  }
  SECTION("%F %T, %s, names") {
    REQUIRE(TimePattern::compile("%F %T").parse("2026-11-20 07:15:02", t));
    CHECK(t == 1795158902);
    REQUIRE(TimePattern::compile("%s").parse("1795158902", t));
    CHECK(t == 1795158902);
    REQUIRE(TimePattern::compile("%a, %d %B %Y %T %Z").parse("Fri, 20 November 2026 07:15:02 GMT", t));
    CHECK(t == 1795158902);
    REQUIRE(TimePattern::compile("%D %R").parse("11/20/26 07:15", t));
    CHECK(t == 1795158900);
  }
  SECTION("a time without its offset is local time, as Apache writes it") {
    // It was read as UTC, an hour off in Lagos and 5 off in New York (a review, 2026-12-07).
    const TimePattern p = TimePattern::compile("%d/%b/%Y:%H:%M:%S");
    CHECK(p.local());
    CHECK_FALSE(TimePattern::compile("%F %T %z").local());
    {
      const TimeZone lagos("Africa/Lagos");
      REQUIRE(p.parse("20/Nov/2026:08:15:02", t));
      CHECK(t == 1795158902);
    }
    {
      const TimeZone new_york("America/New_York");
      REQUIRE(p.parse("20/Nov/2026:02:15:02", t)); // EST, UTC-5
      CHECK(t == 1795158902);
      REQUIRE(p.parse("01/Jul/2026:10:00:00", t)); // EDT, UTC-4
      CHECK(t == 1782914400);
    }
    TimePattern as_utc = p;
    as_utc.read_as_utc();
    REQUIRE(as_utc.parse("20/Nov/2026:07:15:02", t));
    CHECK(t == 1795158902);
  }
  SECTION("unsupported conversions are refused when compiled") {
    CHECK_THROWS_AS(TimePattern::compile("%Y %Q"), darkscan::Error);
    CHECK_THROWS_AS(TimePattern::compile("%Y %"), darkscan::Error);
  }
}

TEST_CASE("time_parse: month abbreviations", "[time]") {
  CHECK(month_from_abbrev("Jan") == 1);
  CHECK(month_from_abbrev("dec") == 12);
  CHECK(month_from_abbrev("Dez") == 0);
  CHECK(month_from_abbrev("January") == 0);
}

TEST_CASE("time_parse: a time known only by its value", "[time_parse]") {
  std::int64_t t = 0;
  for (const char* s : {"2026-11-20T07:15:02Z", "2026-11-20T08:15:02+01:00", "2026-11-20T07:15:02.987654321Z",
                        "20/Nov/2026:08:15:02 +0100", "1795158902", "1795158902.987", "1795158902987",
                        "1795158902987654", "1795158902987654321"}) {
    INFO(s);
    t = 0;
    REQUIRE(darkscan::util::parse_any_time(s, t));
    CHECK(t == 1795158902);
  }
  for (const char* s : {"", "yesterday", "12345678901234567890", "1795158902.", "1795158902x", "-5",
                        "2026/11/20-07:15:02", "2026/13/20 07:15:02"}) {
    INFO(s);
    CHECK_FALSE(darkscan::util::parse_any_time(s, t));
  }
  // Caddy's time_format wall and wall_milli: local time (a CDN review, 2026-12-07).
  const TimeZone lagos("Africa/Lagos");
  for (const char* s : {"2026/11/20 08:15:02", "2026/11/20 08:15:02.987"}) {
    INFO(s);
    REQUIRE(darkscan::util::parse_any_time(s, t));
    CHECK(t == 1795158902);
  }
}
