#pragma once

#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/estimate/periods.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace darkscan {

// Owns app names that AppCounts and previews view: a loading state's (its previews, the check of
// its hours), and each HourStore's own for the hours it unpacks.
using NamePool = std::set<std::string, std::less<>>;

// A State's counts by hour, packed: each hour's Aggregate is kept as the bytes the state file
// writes for it (varints, pages by their index in one table of keys), and unpacked when a report,
// a save or a merge reads it, or when more of the hour is added. An hour of a few thousand pages costs about
// 25 bytes a page this way against about 300 as an Aggregate, so a state of months fits in memory as its file
// does (bench/results/state-memory.md).
class HourStore {
public:
  struct Hour {
    Period period;
    std::string packed; // state_file::write_aggregate's bytes, pages by index in keys()
  };
  using Hours = std::map<std::int64_t, Hour>;

  HourStore() = default;
  HourStore(HourStore&&) = default; // a deque's elements stay where they are: the views stay true
  HourStore& operator=(HourStore&&) = default;
  HourStore(const HourStore& other); // the views are made again, into the copy's own keys
  HourStore& operator=(const HourStore& other);

  // Adds `traffic` to the hour starting at `start` (Hit::k_no_time: untimed hits). A new hour
  // takes `period`; an hour held already keeps its own and is unpacked, merged and packed again,
  // so an hour added in parts holds the counts one Aggregate fed with all of them would (which link
  // targets a page keeps past PageStats::k_max_targets may differ; their number does not).
  void add(std::int64_t start, const Period& period, const Aggregate& traffic);

  // The counts of `hour` (one of hours()), with `keep_params` as the Aggregate's. Its app names
  // are views into this store, which must outlive it. Not for two threads at once: unpacking
  // adds names to the store's pool.
  Aggregate unpack(const Hour& hour, const std::vector<std::string>& keep_params) const;
  // Adds the counts of `hour` to `out`, as out.merge(unpack(hour)) would, without the copy.
  void unpack_into(const Hour& hour, Aggregate& out) const;

  // Drops the hours that end at or before `cutoff` (not the untimed hits' hour), and the keys that
  // only they referred to: the kept hours are unpacked and packed again into a new table, as a save
  // does. The number of hours dropped.
  std::size_t drop_before(std::int64_t cutoff, const std::vector<std::string>& keep_params);

  const Hours& hours() const { return m_hours; }
  bool empty() const { return m_hours.empty(); }
  // Every page key and path an hour refers to, by index.
  const std::vector<std::string_view>& keys() const { return m_keys; }

  // For loading a state file: its table of keys, in its order (so that its hours' bytes can be
  // kept as they are; false on a key given twice), then each hour's bytes, checked by the caller.
  bool load_key(std::string_view key);
  // False when the hour is held already.
  bool load_hour(std::int64_t start, Period period, std::string_view packed);

private:
  std::uint64_t intern(std::string_view key);
  std::string pack(const Aggregate& traffic);

  Hours m_hours;
  std::deque<std::string> m_key_text; // stable addresses: m_keys and m_ids view them
  std::vector<std::string_view> m_keys;
  std::unordered_map<std::string_view, std::uint64_t> m_ids;
  // App names of unpacked hours (AppCounts hold views); few, kept for the store's life.
  mutable NamePool m_names;
  std::string m_scratch; // pack()'s buffer, reused
};

} // namespace darkscan
