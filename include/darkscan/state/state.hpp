#pragma once

#include <darkscan/classify/rules.hpp>
#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/estimate/periods.hpp>
#include <darkscan/input/ledger.hpp>
#include <darkscan/scan/scan.hpp>
#include <darkscan/state/hour_store.hpp>
#include <darkscan/visits/mail_bursts.hpp>
#include <darkscan/visits/preview_memory.hpp>
#include <darkscan/visits/sessions.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace darkscan {

// The counts of a State: ScanTotals without the per-run lists.
struct StateCounters {
  std::uint64_t lines = 0, parsed = 0, malformed = 0, empty = 0, overlong = 0, invalid_requests = 0,
                bytes = 0;
  std::int64_t first_time = Hit::k_no_time;
  std::int64_t last_time = Hit::k_no_time;
  std::uint64_t not_records = 0; // W3C directives, JSON records of another kind (state version 5)
  // The last hit time not after the clock of the run that read it (ScanTotals::last_past_time):
  // where the next run's lines start to be new (state version 6; last_time in older states).
  std::int64_t last_past_time = Hit::k_no_time;

  void add(const ScanTotals& run);
  void merge(const StateCounters& other);
  // ScanTotals for a report: these counts, no inputs.
  ScanTotals totals() const;
};

// What a run leaves for the next one (--state) or for a merge (--state-out,
// `darkscan merge`): the inputs read (Ledger), visitors and previews recent
// enough to matter, the site, and the counts by hour (so --since and --by
// still apply to everything the state holds). It grows with pages, page-hours (packed) and recent
// visitors, not with lines.
struct State {
  static constexpr PeriodKind k_slice_kind = PeriodKind::hour;
  // A run's hour is packed into `hours` once the log is an hour past its end: servers write a
  // line when its request ends, seconds to minutes late, not hours. An hour that gets more lines
  // after that is unpacked and merged again: its counts are the same; only which link targets a
  // page keeps past PageStats::k_max_targets (32, all a report needs to call it a hub) may differ,
  // as they already did between runs of one state.
  static constexpr std::int64_t k_pack_after = 3600;

  std::int64_t origin = Hit::k_no_time; // time of the first hit of its history
  // True when the state holds the whole history (--state): no earlier shard
  // will be merged before it, so its arrivals were decided at once. A shard
  // (--state-out) keeps the arrivals that earlier history could change.
  bool rooted = true;
  StateCounters counters;
  Ledger ledger;
  Sessions sessions;
  PreviewMemory previews;
  // The mail arrivals of the last hour and k_out_of_order_seconds by page (state version 10): after a
  // run, the mailing_min_arrivals - 1 latest of each page (its weights.rules'); a state loaded or
  // merged keeps up to k_max_mailing_min - 1.
  MailBursts mail{k_max_mailing_min};
  std::vector<std::string> site_hosts;
  std::vector<std::string> keep_params;
  std::string format;         // the preset detected in the logs read, "" if none
  HourStore hours;            // counts by hour; untimed hits under Hit::k_no_time
  std::uint64_t checksum = 0; // of the file it was loaded from (not saved)
  std::uint32_t file_format = 0; // the format version of that file (not saved; 0: a new state)

  // Adds the counts of one run, and packs its hours (`run_hours` is left empty).
  void add_run(const ScanTotals& run, PeriodSplitter&& run_hours);
  // Merges a shard into this one. Call in time order (by origin): the
  // shard's pending arrivals are decided with this state's history first.
  void merge(State&& later);
  // Forgets visitors and previews too old to matter after the last hit, and
  // inputs unseen for long.
  void forget_old(std::int64_t now);
  // --state-keep: drops the counts of the hours that ended `keep` seconds or more before the last
  // hit (the last of the newest hour not after `now`: not a line dated in the future), and the page
  // keys only they named, so that a state kept by a nightly job stops growing. The first hit's time
  // becomes the first hour kept's start when it was earlier; `origin` stays the history's first hit,
  // which tells a report that hours were dropped. The counts of lines and bytes read stay the
  // state's whole life's. The number of hours dropped.
  std::size_t keep_last(std::int64_t keep, std::int64_t now);

  // The slices regrouped by `by` within [since, until) (hours whose start
  // falls inside), with pending arrivals decided as if nothing came before.
  PeriodSplitter report_periods(PeriodKind by, std::optional<std::int64_t> since,
                                std::optional<std::int64_t> until) const;

  // How many minutes past this time zone's hours the state's hours start (0: they are this zone's):
  // hours are counted from the local hour, so that a state written under TZ=Asia/Kolkata (UTC+05:30)
  // and read under UTC has its hours at :30 (a review, 2026-12-07).
  int hours_offset_minutes() const;
};

// Whether two lists of page-key parameters keep the same ones: a key is built in the URL's order,
// so that the lists' own order says nothing (a review, 2026-12-07: `--keep-param id`, which
// content.rules already names, made a state that no other would merge with).
bool same_key_params(std::vector<std::string> a, std::vector<std::string> b);

// The note for a state whose hours are not this time zone's (hours_offset_minutes() != 0).
Message note_hours_of_another_zone(int minutes);

// Loads the state files at `paths` and merges them in time order (their
// first hit), so that each shard's pending arrivals are decided with what came
// before it. Refuses (Error) a file given twice (same content), and states made
// with different --keep-param. `inputs` gets one entry per file, for the report. `overlaps` gets a
// note for each two shards that read the same log (the same first bytes: each shard made by a run
// without --state read it from its start), whose lines are then counted twice (a review,
// 2026-12-06: two nightly shards that each read access.log.1 and access.log were added up without a
// word).
State merge_state_files(const std::vector<std::string>& paths, const Rules& rules, NamePool& names,
                        std::vector<InputStats>& inputs, std::vector<Message>& overlaps);

// state_file.cpp. The file: a magic line, a format version, the payload size,
// the payload and its XXH3 checksum.
//
// Loads `path`; throws Error(ExitCode::input_failed) naming the file when it
// is not a darkscan state, is damaged or truncated, or comes from another
// version. Preview rules are found again by id in `rules` (unknown ones are
// dropped); app names are kept in `names`.
State load_state(const std::string& path, const Rules& rules, NamePool& names);
// What a state written to `path` would replace, read from the file's first bytes: nothing worth
// keeping (no file, an empty one, not a regular file, a state this darkscan writes), a state of a
// newer format, or a file with something in it that is not a state (a log, a report).
enum class StateTarget { replaceable, newer_state, other_file };
StateTarget state_target(const std::string& path);
// Writes `state` to `path` atomically (a temporary file, then rename).
void save_state(const State& state, const std::string& path);
// The bytes of a state file (save_state writes them).
std::string encode_state(const State& state);
// The checksum a state file of format `version` ends with (XXH3 of the payload; the version too since 7).
std::uint64_t state_checksum(std::uint32_t version, std::string_view payload);
State decode_state(std::string_view bytes, const std::string& name, const Rules& rules, NamePool& names);
// What a state loaded from `path` in an older format holds that this version would count otherwise
// (notes for the user), or nothing.
std::vector<Message> older_format_notes(const State& state, const std::string& path);

} // namespace darkscan
