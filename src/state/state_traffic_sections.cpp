// The state file's traffic: a table of page keys and paths, then each hour's counts (totals, pages,
// pending arrivals), pages referred to by their index in the table.
#include <darkscan/state/state_sections.hpp>

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

namespace darkscan::state_file {

namespace {

void write_stats(Writer& w, const PageStats& p) {
  w.u64(p.page_views);
  w.u64(p.visits);
  w.u64(p.dark_social_visits);
  w.u64(p.unknown);
  for (std::uint64_t e : p.evidence)
    w.u64(e);
  w.u64(p.evidence_previews);
  w.u64(p.internal_out);
  w.u64(p.targets.size());
  for (std::uint32_t t : p.targets)
    w.fixed(t, 4);
  w.apps(p.previews);
  w.apps(p.apps);
}

// Adds the counts read to `p`, as PageStats::merge would.
void read_stats(Reader& r, PageStats& p, std::size_t kinds) {
  p.page_views += r.u64();
  p.visits += r.u64();
  p.dark_social_visits += r.u64();
  p.unknown += r.u64();
  for (std::size_t i = 0; i < kinds; ++i)
    p.evidence[i] += r.u64();
  p.evidence_previews += r.u64();
  p.internal_out += r.u64();
  const std::size_t targets = r.count(4);
  if (targets > PageStats::k_max_targets) r.corrupt(N_("a page has too many link targets"));
  for (std::size_t i = 0; i < targets; ++i)
    add_target(p.targets, static_cast<std::uint32_t>(r.fixed(4)));
  r.apps(p.previews);
  r.apps(p.apps);
}

// The file's index of each key (write_traffic).
using PageIds = std::unordered_map<std::string_view, std::uint64_t>;

} // namespace

// Page keys and paths are written once, in a table; hours refer to them by
// index (a page seen in 100 hours is stored once, not 100 times).
void write_aggregate(Writer& w, const Aggregate& a, const IdOf& id_of) {
  const TrafficTotals& t = a.totals();
  for (std::uint64_t v : {t.bots, t.previews, t.assets, t.page_views, t.visits, t.dark_social_visits})
    w.u64(v);
  for (std::uint64_t e : t.evidence)
    w.u64(e);
  for (const ChannelStats& c : t.channels)
    w.u64(c.visits);
  w.apps(t.previews_by_app);
  // In index order, as deltas: the same state is always the same bytes.
  std::vector<std::pair<std::uint64_t, const PageStats*>> pages;
  for (const auto& [key, stats] : a.pages())
    pages.emplace_back(id_of(key), &stats);
  std::sort(pages.begin(), pages.end());
  w.u64(pages.size());
  std::uint64_t previous = 0;
  for (const auto& [id, stats] : pages) {
    w.u64(id - previous);
    previous = id;
    write_stats(w, *stats);
  }
  w.u64(a.pending().size());
  for (const PendingArrival& p : a.pending()) {
    w.hash(p.visitor);
    w.i64(p.time);
    w.u64(id_of(p.page));
    w.u64(id_of(p.path));
    w.u8(static_cast<std::uint8_t>(p.channel));
    w.u8(p.evidence ? static_cast<std::uint8_t>(*p.evidence) + 1 : 0);
    w.str(p.app);
    w.u8(p.open);
    // messenger and internal_views (0 to Sessions::k_links_learned, in two bits) since state version 8
    static_assert(Sessions::k_links_learned <= 3);
    w.u8(static_cast<std::uint8_t>(
        (p.forced ? 1 : 0) | (p.bare ? 2 : 0) | (p.messenger ? 4 : 0) |
        (std::min<std::uint64_t>(p.internal_views, Sessions::k_links_learned) << 3)));
    w.u32(p.signature);
    if (p.bare) w.u32(p.page_signature); // state version 7
  }
}

namespace {

// The key or path of index `id` in the table.
std::string_view page_key(Reader& r, const std::vector<std::string_view>& keys, std::uint64_t id) {
  if (id >= keys.size()) r.corrupt(N_("a page index is out of range"));
  return keys[static_cast<std::size_t>(id)];
}

PendingArrival read_pending(Reader& r, const std::vector<std::string_view>& keys, std::size_t kinds) {
  PendingArrival p;
  p.visitor = r.hash();
  p.time = r.i64();
  p.page = page_key(r, keys, r.u64());
  p.path = page_key(r, keys, r.u64());
  const std::uint8_t channel = r.u8();
  if (channel >= k_channel_count) r.corrupt(N_("an unknown channel"));
  p.channel = static_cast<Channel>(channel);
  const std::uint8_t evidence = r.u8();
  if (evidence > kinds) r.corrupt(N_("an unknown kind of evidence"));
  if (evidence > 0) p.evidence = static_cast<Evidence>(evidence - 1);
  p.app = r.name();
  p.open = r.u8();
  const std::uint8_t flags = r.u8(); // bare since state version 7, messenger and internal_views since 8
  if (flags > 31) r.corrupt(N_("an arrival has unknown flags"));
  p.forced = flags & 1;
  p.bare = flags & 2;
  p.messenger = flags & 4;
  p.internal_views = static_cast<std::uint8_t>(flags >> 3);
  p.signature = r.u32();
  if (p.bare) p.page_signature = r.u32(); // written only then: older states have no bare arrival
  return p;
}

} // namespace

std::size_t evidence_kinds(std::uint32_t version) {
  // 9: direct_deep_after_preview_late, split from direct_deep_after_preview (an arrival more than an
  // hour after the fetch). An older state's arrivals keep the kind they were counted with.
  return version >= 9 ? k_evidence_count : 9;
}

void read_aggregate(Reader& r, Aggregate& a, const std::vector<std::string_view>& keys, std::size_t kinds) {
  TrafficTotals t;
  for (std::uint64_t* v : {&t.bots, &t.previews, &t.assets, &t.page_views, &t.visits, &t.dark_social_visits})
    *v = r.u64();
  for (std::size_t i = 0; i < kinds; ++i)
    t.evidence[i] = r.u64();
  for (ChannelStats& c : t.channels)
    c.visits = r.u64();
  r.apps(t.previews_by_app);
  a.mutable_totals().merge(t);
  std::uint64_t id = 0;
  for (std::size_t n = r.count(12), i = 0; i < n; ++i) {
    const std::uint64_t delta = r.u64();
    if (delta > keys.size()) r.corrupt(N_("a page index is out of range"));
    if (i > 0 && delta == 0) r.corrupt(N_("a page appears twice in an hour"));
    id += delta;
    read_stats(r, a.page(page_key(r, keys, id)), kinds);
  }
  for (std::size_t n = r.count(8 + 9); n > 0; --n)
    a.mutable_pending().push_back(read_pending(r, keys, kinds));
}

void write_traffic(Writer& w, const HourStore& hours, const std::vector<std::string>& keep_params) {
  // The file's table lists the keys in order, whatever order the store met them in: the same
  // state is always the same bytes. Each hour is unpacked and written with the file's indices.
  std::vector<std::string_view> keys = hours.keys();
  std::sort(keys.begin(), keys.end());
  PageIds ids;
  w.u64(keys.size());
  for (const std::string_view key : keys) {
    ids.emplace(key, ids.size());
    w.str(key);
  }
  w.u64(hours.hours().size());
  for (const auto& [start, hour] : hours.hours()) {
    w.i64(start);
    w.i64(hour.period.end);
    w.str(hour.period.label);
    write_aggregate(w, hours.unpack(hour, keep_params), [&ids](std::string_view key) { return ids.at(key); });
  }
}

void read_traffic(Reader& r, State& s, std::uint32_t version) {
  // The store takes the file's table as it is, so each hour's bytes are kept as read, once checked:
  // `s` is a new State (decode_state), whose store is empty, so its indices are the file's.
  const std::size_t kinds = evidence_kinds(version);
  std::vector<std::string_view> keys(r.count(1));
  for (std::string_view& key : keys) {
    key = r.str();
    if (!s.hours.load_key(key)) r.corrupt(N_("a page key appears twice"));
  }
  for (std::size_t n = r.count(3); n > 0; --n) {
    const std::int64_t start = r.i64();
    Period period{start, r.i64(), std::string(r.str())};
    const std::string_view before = r.rest();
    Aggregate check(s.keep_params);
    read_aggregate(r, check, keys, kinds);
    const std::string_view packed = before.substr(0, before.size() - r.rest().size());
    if (s.hours.hours().count(start)) r.corrupt(N_("an hour appears twice"));
    if (kinds == k_evidence_count)
      s.hours.load_hour(start, std::move(period), packed);
    else // packed again with this version's kinds: the store reads its hours so
      s.hours.add(start, period, check);
  }
}

} // namespace darkscan::state_file
