#pragma once

// The sections of a state file's payload, in the order they are written (encode_state in
// state_file.cpp calls them in turn). Each reader checks what it reads and throws Error
// (Reader::corrupt) on anything a writer could not have written.

#include <darkscan/classify/rules.hpp>
#include <darkscan/state/state.hpp>
#include <darkscan/state/state_bytes.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan::state_file {

constexpr std::int64_t k_max_time = std::int64_t{1} << 50; // seconds: no log time comes near it

// state_run_sections.cpp. Origin, counters, --keep-param, format and site hosts (the counters' not_records
// and last_past_time go at the very end: they came in versions 5 and 6).
void write_run(Writer& w, const State& s);
void read_run(Reader& r, State& s);
// The inputs read (Ledger).
void write_ledger(Writer& w, const Ledger& ledger);
void read_ledger(Reader& r, Ledger& ledger);

// state_visitor_sections.cpp. The filter of visitors who left the session table (version 4 on).
void write_seen(Writer& w, const SeenVisitors& seen);
void read_seen(Reader& r, SeenVisitors& seen);
// The session table's visitors; version 3 had a flag where later ones have two bits.
void write_visitors(Writer& w, const Sessions& sessions);
void read_visitors(Reader& r, Sessions& sessions, std::uint32_t version);
// Preview fetches, their rule by id: one no longer in `rules` is dropped.
void write_previews(Writer& w, const PreviewMemory& previews);
void read_previews(Reader& r, PreviewMemory& previews, const Rules& rules);
// The mail arrivals of the last hour and ten minutes by page (MailBursts; version 10 on, after
// everything else).
void write_mail(Writer& w, const MailBursts& mail);
void read_mail(Reader& r, MailBursts& mail);

// state_traffic_sections.cpp. The table of page keys and paths, then the counts of each hour.
void write_traffic(Writer& w, const HourStore& hours, const std::vector<std::string>& keep_params);
// A state of `version` 8 or older has nine kinds of evidence, not ten: its hours are read and
// packed again as the store keeps them.
void read_traffic(Reader& r, State& s, std::uint32_t version);
// One hour's counts (totals, pages, pending arrivals), pages by their index in a table of keys:
// `id_of` gives the index of each key and path of `a`, `keys` is the table. read_aggregate adds
// what it reads to `a`, as Aggregate::merge would; `kinds` counts of evidence a page (fewer in an
// older state: the kinds added since read 0). HourStore keeps hours packed so.
using IdOf = std::function<std::uint64_t(std::string_view key)>;
void write_aggregate(Writer& w, const Aggregate& a, const IdOf& id_of);
void read_aggregate(Reader& r, Aggregate& a, const std::vector<std::string_view>& keys,
                    std::size_t kinds = k_evidence_count);
// The kinds of evidence a state of `version` counts (k_evidence_count since version 9).
std::size_t evidence_kinds(std::uint32_t version);

} // namespace darkscan::state_file
