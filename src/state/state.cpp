#include <darkscan/common/error.hpp>
#include <darkscan/state/state.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

namespace darkscan {

namespace {

std::int64_t earliest(std::int64_t a, std::int64_t b) {
  if (a == Hit::k_no_time) return b;
  if (b == Hit::k_no_time) return a;
  return std::min(a, b);
}

std::int64_t latest(std::int64_t a, std::int64_t b) {
  if (a == Hit::k_no_time) return b;
  if (b == Hit::k_no_time) return a;
  return std::max(a, b);
}

} // namespace

void StateCounters::add(const ScanTotals& run) {
  // Lines skipped as overlapping what the state holds are in it already.
  merge({run.lines - run.overlapping, run.parsed, run.malformed, run.empty, run.overlong,
         run.invalid_requests, run.bytes, run.first_time, run.last_time, run.not_records,
         run.last_past_time});
}

void StateCounters::merge(const StateCounters& o) {
  lines += o.lines;
  parsed += o.parsed;
  malformed += o.malformed;
  empty += o.empty;
  overlong += o.overlong;
  invalid_requests += o.invalid_requests;
  bytes += o.bytes;
  not_records += o.not_records;
  first_time = earliest(first_time, o.first_time);
  last_time = latest(last_time, o.last_time);
  last_past_time = latest(last_past_time, o.last_past_time);
}

ScanTotals StateCounters::totals() const {
  ScanTotals t;
  t.lines = lines;
  t.parsed = parsed;
  t.malformed = malformed;
  t.empty = empty;
  t.overlong = overlong;
  t.invalid_requests = invalid_requests;
  t.bytes = bytes;
  t.not_records = not_records;
  t.first_time = first_time;
  t.last_time = last_time;
  t.last_past_time = last_past_time;
  return t;
}

void State::add_run(const ScanTotals& run, PeriodSplitter&& run_hours) {
  counters.add(run);
  // Packed one by one, each freed once packed: a run's hours are most of its memory.
  auto slices = run_hours.take_slices();
  for (auto it = slices.begin(); it != slices.end(); it = slices.erase(it))
    hours.add(it->first, it->second.period, it->second.traffic);
}

void State::merge(State&& later) {
  const EarlierHistory earlier{sessions, previews, origin, rooted};
  for (const auto& [start, hour] : later.hours.hours()) {
    Aggregate traffic = later.hours.unpack(hour, later.keep_params);
    traffic.resolve_pending(&earlier);
    hours.add(start, hour.period, traffic);
  }
  origin = earliest(origin, later.origin);
  counters.merge(later.counters);
  ledger.merge(later.ledger);
  sessions.merge(later.sessions);
  previews.merge(later.previews);
  mail.merge(later.mail);
  if (format.empty()) format = later.format;
  for (const std::string& host : later.site_hosts) {
    if (std::find(site_hosts.begin(), site_hosts.end(), host) == site_hosts.end()) site_hosts.push_back(host);
  }
}

void State::forget_old(std::int64_t now) {
  // From the last hit not in the future: a line dated years ahead would retire every visitor.
  if (counters.last_past_time != Hit::k_no_time) {
    sessions.retire_idle(counters.last_past_time);
    previews.forget_before(counters.last_past_time - PreviewMemory::k_window);
    // The next run still reads lines up to k_out_of_order_seconds older than the last (a review: a
    // mailing's first arrival, forgotten an hour after the last line, was missing for the sixth).
    mail.forget_before(counters.last_past_time - MailBursts::k_window - k_out_of_order_seconds);
  }
  ledger.prune(now);
}

std::size_t State::keep_last(std::int64_t keep, std::int64_t now) {
  // Back from the last hit of the newest hour not after `now`: a line dated in the future (a clock
  // set wrong) must not take the state's past with it, even when the logs are old ones read again.
  const auto& held = hours.hours();
  auto newest = held.upper_bound(now);
  if (newest == held.begin() || std::prev(newest)->first == Hit::k_no_time) return 0;
  --newest;
  // (Its last second at most: the last hit's time in it is not known when the last hit is later.)
  const std::int64_t cutoff = std::min({counters.last_time, newest->second.period.end - 1, now}) - keep;
  const std::size_t dropped = hours.drop_before(cutoff, keep_params);
  if (dropped == 0) return 0;
  const auto first = hours.hours().upper_bound(Hit::k_no_time); // the first timed hour
  counters.first_time = std::max(counters.first_time, first != hours.hours().end() ? first->first : cutoff);
  return dropped;
}

bool same_key_params(std::vector<std::string> a, std::vector<std::string> b) {
  for (auto* list : {&a, &b}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  return a == b;
}

int State::hours_offset_minutes() const {
  for (const auto& [start, hour] : hours.hours()) {
    if (start == Hit::k_no_time) continue;
    const std::int64_t local = period_of(PeriodKind::hour, start).start;
    if (local != start) return static_cast<int>((start - local) / 60);
  }
  return 0;
}

Message note_hours_of_another_zone(int minutes) {
  return message(
      N_("the state's hours start {} minutes past this time zone's hours: it was written under "
         "another TZ (one whose offset is not whole hours, as India's or Nepal's), and each of its "
         "hours is placed whole in this report's days and window, up to {} minutes off at their "
         "edges; write and read states under the same TZ"),
      minutes, minutes);
}

PeriodSplitter State::report_periods(PeriodKind by, std::optional<std::int64_t> since,
                                     std::optional<std::int64_t> until) const {
  PeriodSplitter out(by, since, until, keep_params);
  for (const auto& [start, hour] : hours.hours()) {
    if (start == Hit::k_no_time) {
      if (since || until) continue;
      hours.unpack_into(hour, out.slice(start).traffic);
      continue;
    }
    if ((since && start < *since) || (until && start >= *until)) continue;
    Period p = period_of(by, start);
    PeriodSplitter::Slice& s = out.slice(p.start);
    if (s.period.end == 0) s.period = std::move(p);
    hours.unpack_into(hour, s.traffic);
  }
  for (auto& [start, slice] : out.slices())
    slice.traffic.resolve_pending(nullptr);
  return out;
}

namespace {

// The name under which shard `b` read a log that shard `a` read too, if any.
// The entries of `a` and `b` for a log both read (the same first lines), if any.
std::pair<const LedgerEntry*, const LedgerEntry*> shared_log(const Ledger& a, const Ledger& b) {
  for (const LedgerEntry& x : b.entries())
    for (const LedgerEntry& y : a.entries())
      if (x.fingerprint == y.fingerprint && x.fingerprint_size == y.fingerprint_size && x.offset > 0 &&
          y.offset > 0)
        return {&y, &x};
  return {nullptr, nullptr};
}

} // namespace

State merge_state_files(const std::vector<std::string>& paths, const Rules& rules, NamePool& names,
                        std::vector<InputStats>& inputs, std::vector<Message>& overlaps) {
  if (paths.empty()) throw Error(translated(N_("no state to merge")), ExitCode::usage);
  std::vector<State> states;
  for (const std::string& path : paths) {
    states.push_back(load_state(path, rules, names));
    const State& s = states.back();
    for (Message& older : older_format_notes(s, path))
      overlaps.push_back(std::move(older));
    for (std::size_t i = 0; i + 1 < states.size(); ++i) {
      if (states[i].checksum == s.checksum) {
        throw Error(
            message(N_("'{}' holds the same shard as '{}': it would be counted twice"), path, paths[i]));
      }
    }
    for (std::size_t i = 0; i + 1 < states.size(); ++i) {
      const auto [earlier, later] = shared_log(states[i].ledger, s.ledger);
      if (!earlier) continue;
      // Each shard's own name for the log (a review, 2026-12-06: the note gave the second's name
      // to both, so it named a log the first had never read).
      overlaps.push_back(earlier->name == later->name
                             ? message(N_("'{}' and '{}' both read the log '{}' (the same first lines): the "
                                          "lines both read are counted twice; merge shards of different logs "
                                          "or times"),
                                       paths[i], path, later->name)
                             : message(N_("'{}' read '{}' and '{}' read '{}', logs that start with the same "
                                          "lines: the lines both read are counted twice; merge shards of "
                                          "different logs or times"),
                                       paths[i], earlier->name, path, later->name));
    }
    if (!same_key_params(s.keep_params, states.front().keep_params)) {
      throw Error(message(N_("'{}' and '{}' were made with different --keep-param: their pages do not match"),
                          paths.front(), path));
    }
    InputStats in;
    in.name = path;
    in.codec = "state";
    in.lines = s.counters.lines;
    in.parsed = s.counters.parsed;
    in.malformed = s.counters.malformed;
    in.bytes = s.counters.bytes;
    inputs.push_back(std::move(in));
  }
  // Earliest first: each shard's open arrivals are decided with what came before it.
  std::stable_sort(states.begin(), states.end(), [](const State& a, const State& b) {
    const auto key = [](const State& s) {
      return s.origin == Hit::k_no_time ? std::numeric_limits<std::int64_t>::max() : s.origin;
    };
    return key(a) < key(b);
  });
  State merged = std::move(states.front());
  for (std::size_t i = 1; i < states.size(); ++i)
    merged.merge(std::move(states[i]));
  return merged;
}

} // namespace darkscan
