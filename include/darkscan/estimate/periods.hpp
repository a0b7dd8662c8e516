#pragma once

#include <darkscan/estimate/aggregate.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace darkscan {

// How --by splits a report.
enum class PeriodKind : std::uint8_t { none, hour, day, week, month };

// Parses "hour", "day", "week", "month"; throws Error(ExitCode::usage).
PeriodKind parse_period_kind(std::string_view name);
// "hour", "day", "week", "month"; "" for none.
const char* period_kind_name(PeriodKind kind);

// The strftime pattern of the labels of `kind` ("%Y-%m-%dT%H", ..., "%Y-%m"); "" for none.
const char* period_label_pattern(PeriodKind kind);

// Parses a --since/--until value into UTC seconds: "2026-11-20" (local
// midnight), "2026-11-20T08:00[:00]" or with a space (local time), the same
// with "Z" or "+01:00" (that offset), "today" and "yesterday" (local
// midnight), "-7d", "-12h", "-30m", "-2w" (before `now`). Throws
// Error(ExitCode::usage) naming the option.
std::int64_t parse_time_arg(std::string_view option, std::string_view value, std::int64_t now);
// Parses a duration, "48h", "90d", "12w" (a whole number of hours, days or weeks, more than 0, at
// most 200 years), into seconds. Throws Error(ExitCode::usage) naming the option.
std::int64_t parse_duration_arg(std::string_view option, std::string_view value);

// The local-time period holding `utc`: its start, its end (exclusive) and its
// label ("2026-11-20T08", "2026-11-20", "2026-W47", "2026-11"). Uses the
// machine's time zone (TZ), like cron.
struct Period {
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::string label;
};
Period period_of(PeriodKind kind, std::int64_t utc);

// strftime(pattern) for the local time `utc` ("out/%Y-%m-%d.tsv").
std::string format_local(const std::string& pattern, std::int64_t utc);

// Passes on the verdicts of hits inside [since, until) (--hits with a window).
class WindowFilter final : public VerdictSink {
public:
  WindowFilter(VerdictSink& next, std::optional<std::int64_t> since, std::optional<std::int64_t> until)
      : m_next(next), m_since(since), m_until(until) {}
  void add(const Hit& hit, const Verdict& verdict) override {
    if (m_since || m_until) {
      if (hit.time == Hit::k_no_time) return;
      if ((m_since && hit.time < *m_since) || (m_until && hit.time >= *m_until)) return;
    }
    m_next.add(hit, verdict);
  }
  bool needs_order() const override { return m_next.needs_order(); }

private:
  VerdictSink& m_next;
  std::optional<std::int64_t> m_since, m_until;
};

// Hands each verdict to two sinks.
class VerdictTee final : public VerdictSink {
public:
  VerdictTee(VerdictSink& a, VerdictSink& b) : m_a(a), m_b(b) {}
  void add(const Hit& hit, const Verdict& verdict) override {
    m_a.add(hit, verdict);
    m_b.add(hit, verdict);
  }
  bool needs_order() const override { return m_a.needs_order() || m_b.needs_order(); }

private:
  VerdictSink& m_a;
  VerdictSink& m_b;
};

// Keeps the verdicts of hits inside [since, until) and splits them by period
// into Aggregates. Hits outside the window are still analysed (sessions stay
// right at the edges), just not counted. Hits without a time count when no
// window is set, in the period of the last timed hit (or an unlabelled one).
class PeriodSplitter final : public VerdictSink {
public:
  PeriodSplitter(PeriodKind kind, std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                 std::vector<std::string> keep_params = {});

  void add(const Hit& hit, const Verdict& verdict) override;

  struct Slice {
    Period period;
    Aggregate traffic;
  };
  Slice& slice(std::int64_t start);
  // The periods seen, in time order (one, unlabelled, for PeriodKind::none).
  const std::map<std::int64_t, Slice>& slices() const { return m_slices; }
  std::map<std::int64_t, Slice>& slices() { return m_slices; }
  // Moves the periods out, leaving none.
  std::map<std::int64_t, Slice> take_slices() {
    m_current = nullptr;
    return std::exchange(m_slices, {});
  }
  // All periods merged.
  Aggregate total() const;

  // Hands `closed` each slice that the hits left behind: one whose period ended more than `lag`
  // seconds before the hit that looks for them. A hit looks when the log has moved an hour from
  // the last look, forward or back (a second file of the same days), and k_look_hits hits have
  // come since (`look_hits`, k_look_hits unless a test asks for fewer). `closed` takes the slice (a State
  // packs it: a run's hours need not all be in memory at once); a later hit of its period starts it again and
  // hands it over again, and the parts add up to the counts one slice would hold (Aggregate::merge).
  using ClosedSlice = std::function<void(std::int64_t start, Slice&& slice)>;
  static constexpr std::uint64_t k_look_hits = 4096;
  void hand_off_closed(ClosedSlice closed, std::int64_t lag, std::uint64_t look_hits = k_look_hits);
  // Hits without a time that a window (--since, --until) left out: they cannot be placed in it.
  std::uint64_t untimed_left_out() const { return m_untimed_left_out; }

private:
  void hand_off_before(std::int64_t time);

  PeriodKind m_kind;
  std::optional<std::int64_t> m_since, m_until;
  std::vector<std::string> m_keep_params;
  std::map<std::int64_t, Slice> m_slices;
  std::uint64_t m_untimed_left_out = 0;
  Slice* m_current = nullptr; // the slice of the last hit: most hits fall in it
  // Looks at most once every m_look_hits hits and an hour of log time: a log that goes back and
  // forth between two days hands each slice over a few times, not on every hit.
  static constexpr std::int64_t k_look_seconds = 3600;
  ClosedSlice m_closed;
  std::int64_t m_lag = 0;
  std::uint64_t m_look_hits = k_look_hits;
  std::int64_t m_last_look = Hit::k_no_time; // log time of the last look for closed slices
  std::uint64_t m_hits_since_look = 0;
};

} // namespace darkscan
