#include <darkscan/common/error.hpp>
#include <darkscan/state/state.hpp>
#include <darkscan/util/atomic_file.hpp>
#include <darkscan/util/hash.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace darkscan {

namespace {

// "darkscan state" and a byte that text tools and `file` show as binary.
constexpr std::string_view k_magic{"DARKSCAN-STATE\n\x1a", 16}; // not for translation
// Bump on any change of the payload layout; older files are then refused.
// 3: counts per evidence, no weights (issue 13); 4: visitors who left the session table in a
// filter of fixed size (issue 15); 5: the count of lines that are not requests, at the end
// (issue 16). Versions 3 and 4 are still read.
constexpr std::uint32_t k_version = 5;
constexpr std::uint32_t k_oldest_read = 3;
constexpr std::int64_t k_max_time = std::int64_t{1} << 50; // seconds: no log time comes near it
constexpr std::size_t k_header_size = k_magic.size() + 4 + 8;
constexpr std::size_t k_max_string = 1 << 20;

// Counts and times are LEB128 varints (most counts of an hour are 0 or 1),
// hashes are 8 fixed bytes, all little-endian. No weight is stored: arrivals
// are counted per evidence, and reports apply the weights of their own rules.
class Writer {
public:
  explicit Writer(std::string& out) : m_out(out) {}
  void u8(std::uint8_t v) { m_out += static_cast<char>(v); }
  void u32(std::uint32_t v) { u64(v); }
  void u64(std::uint64_t v) {
    while (v >= 0x80) {
      m_out += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    m_out += static_cast<char>(v);
  }
  void i64(std::int64_t v) {
    u64((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void hash(std::uint64_t v) { fixed(v, 8); }
  void fixed(std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      m_out += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  void str(std::string_view s) {
    u64(s.size());
    m_out.append(s);
  }
  void apps(const AppCounts& counts) {
    u64(counts.size());
    for (const auto& [app, n] : counts) {
      str(app);
      u64(n);
    }
  }

private:
  std::string& m_out;
};

// Reads the payload; any inconsistency throws Error naming the file.
class Reader {
public:
  Reader(std::string_view in, const std::string& name, NamePool& names)
      : m_in(in), m_name(name), m_names(names) {}
  std::uint8_t u8() { return static_cast<std::uint8_t>(fixed(1)); }
  std::uint32_t u32() {
    const std::uint64_t v = u64();
    if (v > UINT32_MAX) corrupt(N_("a number is out of range"));
    return static_cast<std::uint32_t>(v);
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint64_t byte = fixed(1);
      v |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    corrupt(N_("a number runs too long"));
  }
  std::int64_t i64() {
    const std::uint64_t v = u64();
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::uint64_t hash() { return fixed(8); }
  std::uint64_t fixed(int bytes) {
    if (m_in.size() < static_cast<std::size_t>(bytes)) corrupt(N_("it ends too early"));
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_in[static_cast<std::size_t>(i)]))
           << (8 * i);
    m_in.remove_prefix(static_cast<std::size_t>(bytes));
    return v;
  }
  bool flag() {
    const std::uint8_t v = u8();
    if (v > 1) corrupt(N_("a flag is neither 0 nor 1"));
    return v == 1;
  }
  std::string_view str() {
    const std::uint64_t size = u64();
    if (size > k_max_string || size > m_in.size()) corrupt(N_("a string runs past the end"));
    std::string_view s = m_in.substr(0, size);
    m_in.remove_prefix(size);
    return s;
  }
  std::string_view name() { return *m_names.emplace(str()).first; }
  // A count of items of at least `item_size` bytes each, checked against what is left.
  std::size_t count(std::size_t item_size) {
    const std::uint64_t n = u64();
    if (n > m_in.size() / item_size) corrupt(N_("a count runs past the end"));
    return static_cast<std::size_t>(n);
  }
  void apps(AppCounts& counts) {
    for (std::size_t i = count(2); i > 0; --i) {
      const std::string_view app = name();
      add_app(counts, app, u64());
    }
  }
  bool done() const { return m_in.empty(); }
  // `what`: a reason marked N_().
  [[noreturn]] void corrupt(const char* what) const {
    throw Error(message(N_("state '{}' is damaged ({}); it was left as it is"), m_name, translated(what)),
                ExitCode::input_failed);
  }

private:
  std::string_view m_in;
  const std::string& m_name;
  NamePool& m_names;
};

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

void read_stats(Reader& r, PageStats& p) {
  p.page_views = r.u64();
  p.visits = r.u64();
  p.dark_social_visits = r.u64();
  p.unknown = r.u64();
  for (std::uint64_t& e : p.evidence)
    e = r.u64();
  p.evidence_previews = r.u64();
  p.internal_out = r.u64();
  const std::size_t targets = r.count(4);
  if (targets > PageStats::k_max_targets) r.corrupt(N_("a page has too many link targets"));
  for (std::size_t i = 0; i < targets; ++i)
    add_target(p.targets, static_cast<std::uint32_t>(r.fixed(4)));
  r.apps(p.previews);
  r.apps(p.apps);
}

// Page keys and paths are written once, in a table; hours refer to them by
// index (a page seen in 100 hours is stored once, not 100 times).
using PageIds = std::unordered_map<std::string_view, std::uint64_t>;

void write_aggregate(Writer& w, const Aggregate& a, const PageIds& ids) {
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
    pages.emplace_back(ids.at(key), &stats);
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
    w.u64(ids.at(p.page));
    w.u64(ids.at(p.path));
    w.u8(static_cast<std::uint8_t>(p.channel));
    w.u8(p.evidence ? static_cast<std::uint8_t>(*p.evidence) + 1 : 0);
    w.str(p.app);
    w.u8(p.open);
    w.u8(p.forced ? 1 : 0);
    w.u32(p.signature);
  }
}

void read_aggregate(Reader& r, Aggregate& a, const std::vector<std::string_view>& keys) {
  auto key = [&](std::uint64_t id) {
    if (id >= keys.size()) r.corrupt(N_("a page index is out of range"));
    return keys[static_cast<std::size_t>(id)];
  };
  TrafficTotals& t = a.mutable_totals();
  for (std::uint64_t* v : {&t.bots, &t.previews, &t.assets, &t.page_views, &t.visits, &t.dark_social_visits})
    *v = r.u64();
  for (std::uint64_t& e : t.evidence)
    e = r.u64();
  for (ChannelStats& c : t.channels)
    c.visits = r.u64();
  r.apps(t.previews_by_app);
  std::uint64_t id = 0;
  for (std::size_t n = r.count(12); n > 0; --n) {
    const std::uint64_t delta = r.u64();
    if (delta > keys.size()) r.corrupt(N_("a page index is out of range"));
    id += delta;
    read_stats(r, a.page(key(id)));
  }
  for (std::size_t n = r.count(8 + 9); n > 0; --n) {
    PendingArrival p;
    p.visitor = r.hash();
    p.time = r.i64();
    p.page = key(r.u64());
    p.path = key(r.u64());
    const std::uint8_t channel = r.u8();
    if (channel >= k_channel_count) r.corrupt(N_("an unknown channel"));
    p.channel = static_cast<Channel>(channel);
    const std::uint8_t evidence = r.u8();
    if (evidence > k_evidence_count) r.corrupt(N_("an unknown kind of evidence"));
    if (evidence > 0) p.evidence = static_cast<Evidence>(evidence - 1);
    p.app = r.name();
    p.open = r.u8();
    p.forced = r.flag();
    p.signature = r.u32();
    a.mutable_pending().push_back(std::move(p));
  }
}

std::string read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(message(N_("cannot open state '{}': {}"), path, system_message(errno)),
                ExitCode::input_failed);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw Error(message(N_("cannot read state '{}': {}"), path, system_message(err)),
                  ExitCode::input_failed);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

} // namespace

std::string encode_state(const State& s) {
  std::string payload;
  Writer w(payload);
  w.i64(s.origin);
  w.u8(s.rooted ? 1 : 0);
  const StateCounters& c = s.counters;
  for (std::uint64_t v : {c.lines, c.parsed, c.malformed, c.empty, c.overlong, c.invalid_requests, c.bytes})
    w.u64(v);
  w.i64(c.first_time);
  w.i64(c.last_time);
  w.u32(static_cast<std::uint32_t>(s.keep_params.size()));
  for (const std::string& p : s.keep_params)
    w.str(p);
  w.str(s.format);
  w.u32(static_cast<std::uint32_t>(s.site_hosts.size()));
  for (const std::string& h : s.site_hosts)
    w.str(h);
  w.u32(static_cast<std::uint32_t>(s.ledger.entries().size()));
  for (const LedgerEntry& e : s.ledger.entries()) {
    w.hash(e.fingerprint);
    w.u32(e.fingerprint_size);
    w.u64(e.offset);
    w.u64(e.lines);
    w.u8(static_cast<std::uint8_t>(e.codec));
    w.u64(e.stored_size);
    w.u8(e.complete ? 1 : 0);
    w.str(e.name);
    w.i64(e.last_seen);
  }
  // The filter, before the visitors (who may join it as they are read): the slots in use in index
  // order, each as the gap from the previous index and 4 bytes.
  const SeenVisitors& seen = s.sessions.seen();
  w.i64(seen.latest_unit());
  w.hash(seen.kick_state());
  w.u64(seen.size());
  std::uint32_t previous = 0;
  seen.for_each_slot([&](std::uint32_t index, std::uint32_t slot) {
    w.u32(index - previous);
    w.fixed(slot, 4);
    previous = index;
  });
  std::vector<Sessions::Visitor> visitors;
  visitors.reserve(s.sessions.size());
  s.sessions.for_each([&](const Sessions::Visitor& v) { visitors.push_back(v); });
  std::sort(visitors.begin(), visitors.end(), [](const auto& x, const auto& y) { return x.key < y.key; });
  w.u32(static_cast<std::uint32_t>(visitors.size()));
  for (const Sessions::Visitor& v : visitors) {
    w.hash(v.key);
    w.i64(v.last_page_view);
    w.u8(static_cast<std::uint8_t>((v.seen ? 1 : 0) | (v.timed ? 2 : 0)));
    w.u32(v.arrival);
    w.u32(v.last_page);
  }
  std::vector<std::pair<std::string_view, PreviewMemory::Fetch>> fetches;
  s.previews.for_each(
      [&](std::string_view path, const PreviewMemory::Fetch& f) { fetches.emplace_back(path, f); });
  std::sort(fetches.begin(), fetches.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  w.u32(static_cast<std::uint32_t>(fetches.size()));
  for (const auto& [path, f] : fetches) {
    w.str(path);
    w.i64(f.time);
    w.str(f.rule ? std::string_view(f.rule->id) : std::string_view());
  }
  std::vector<std::string_view> keys;
  for (const auto& [start, slice] : s.slices) {
    for (const auto& [key, stats] : slice.traffic.pages())
      keys.push_back(key);
    for (const PendingArrival& p : slice.traffic.pending()) {
      keys.push_back(p.page);
      keys.push_back(p.path);
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  PageIds ids;
  w.u64(keys.size());
  for (const std::string_view key : keys) {
    ids.emplace(key, ids.size());
    w.str(key);
  }
  w.u64(s.slices.size());
  for (const auto& [start, slice] : s.slices) {
    w.i64(start);
    w.i64(slice.period.end);
    w.str(slice.period.label);
    write_aggregate(w, slice.traffic, ids);
  }
  w.u64(s.counters.not_records);

  std::string out(k_magic);
  Writer header(out);
  header.fixed(k_version, 4);
  header.fixed(payload.size(), 8);
  out += payload;
  header.hash(util::hash_bytes(payload));
  return out;
}

State decode_state(std::string_view bytes, const std::string& name, const Rules& rules, NamePool& names) {
  auto refuse = [&](Message why) { throw Error(std::move(why), ExitCode::input_failed); };
  if (bytes.substr(0, k_magic.size()) != k_magic)
    refuse(message(N_("state '{}' is not a darkscan state file; it was left as it is"), name));
  const Message truncated = message(N_("state '{}' is truncated; it was left as it is"), name);
  if (bytes.size() < k_header_size + 8) refuse(truncated);
  Reader header(bytes.substr(k_magic.size(), 12), name, names);
  const auto version = static_cast<std::uint32_t>(header.fixed(4));
  const std::uint64_t size = header.fixed(8);
  if (version < k_oldest_read || version > k_version) {
    refuse(
        message(N_("state '{}' has format version {}, and this darkscan reads versions {} to {}; rebuild it "
                   "from the logs (run again without the state); it was left as it is"),
                name, version, k_oldest_read, k_version));
  }
  if (size != bytes.size() - k_header_size - 8) {
    refuse(size > bytes.size() - k_header_size - 8
               ? truncated
               : message(N_("state '{}' has bytes past its end; it was left as it is"), name));
  }
  const std::string_view payload = bytes.substr(k_header_size, size);
  Reader sum(bytes.substr(k_header_size + size), name, names);
  if (sum.hash() != util::hash_bytes(payload))
    refuse(message(N_("state '{}' is damaged (its checksum does not match); it was left as it is"), name));

  // The checksum matched: what follows fails only on a bug or a forged file.
  Reader r(payload, name, names);
  State s;
  s.checksum = util::hash_bytes(payload);
  s.origin = r.i64();
  s.rooted = r.flag();
  StateCounters& c = s.counters;
  for (std::uint64_t* v :
       {&c.lines, &c.parsed, &c.malformed, &c.empty, &c.overlong, &c.invalid_requests, &c.bytes})
    *v = r.u64();
  c.first_time = r.i64();
  c.last_time = r.i64();
  for (std::size_t n = r.count(1); n > 0; --n)
    s.keep_params.emplace_back(r.str());
  s.format = r.str();
  for (std::size_t n = r.count(1); n > 0; --n)
    s.site_hosts.emplace_back(r.str());
  for (std::size_t n = r.count(8 + 8); n > 0; --n) {
    LedgerEntry e;
    e.fingerprint = r.hash();
    e.fingerprint_size = r.u32();
    e.offset = r.u64();
    e.lines = r.u64();
    const std::uint8_t codec = r.u8();
    if (codec > static_cast<std::uint8_t>(Codec::zstd)) r.corrupt(N_("an unknown codec"));
    e.codec = static_cast<Codec>(codec);
    e.stored_size = r.u64();
    e.complete = r.flag();
    e.name = r.str();
    e.last_seen = r.i64();
    s.ledger.add(std::move(e));
  }
  if (version >= 4) {
    const std::int64_t latest = r.i64();
    s.sessions.seen().set_kick_state(r.hash());
    std::uint64_t index = 0;
    const std::size_t slots = r.count(1 + 4);
    // Times in 2-minute units from any parsed log (years 0 to 9999) are far inside this: the
    // filter's arithmetic on them cannot overflow.
    if (slots > 0 &&
        (latest < -k_max_time / SeenVisitors::k_unit || latest > k_max_time / SeenVisitors::k_unit))
      r.corrupt(N_("the seen visitors' time is out of range"));
    for (std::size_t n = slots; n > 0; --n) {
      index += r.u32();
      if (!s.sessions.seen().restore(latest,
                                     static_cast<std::uint32_t>(std::min<std::uint64_t>(index, UINT32_MAX)),
                                     static_cast<std::uint32_t>(r.fixed(4))))
        r.corrupt(N_("a seen visitor is out of range"));
    }
    s.sessions.seen().forget_expired();
  }
  for (std::size_t n = r.count(8 + 4); n > 0; --n) {
    const std::uint64_t key = r.hash();
    if (key == 0) r.corrupt(N_("a visitor key is 0"));
    Sessions::Visitor& v = s.sessions.visitor(key);
    v.last_page_view = r.i64();
    if (version == 3) {
      v.seen = r.flag();
      v.timed = v.last_page_view != 0;
    } else {
      const std::uint8_t flags = r.u8();
      if (flags > 3) r.corrupt(N_("a visitor has unknown flags"));
      v.seen = flags & 1;
      v.timed = flags & 2;
    }
    if (v.last_page_view < -k_max_time || v.last_page_view > k_max_time)
      r.corrupt(N_("a visitor's time is out of range"));
    v.arrival = r.u32();
    v.last_page = r.u32();
  }
  std::unordered_map<std::string_view, const Rule*> previews_by_id;
  for (const Rule& rule : rules.agents()) {
    if (is_evidence_preview(static_cast<AgentKind>(rule.kind))) previews_by_id.emplace(rule.id, &rule);
  }
  for (std::size_t n = r.count(3); n > 0; --n) {
    const std::string_view path = r.str();
    const std::int64_t time = r.i64();
    const std::string_view id = r.str();
    // A preview rule removed since: its fetches are no longer evidence.
    if (auto it = previews_by_id.find(id); it != previews_by_id.end())
      s.previews.record(path, time, it->second);
  }
  std::vector<std::string_view> keys(r.count(1));
  for (std::string_view& key : keys)
    key = r.str();
  for (std::size_t n = r.count(3); n > 0; --n) {
    const std::int64_t start = r.i64();
    PeriodSplitter::Slice slice{Period{start, r.i64(), std::string(r.str())}, Aggregate(s.keep_params)};
    read_aggregate(r, slice.traffic, keys);
    if (!s.slices.emplace(start, std::move(slice)).second) r.corrupt(N_("an hour appears twice"));
  }
  if (version >= 5) c.not_records = r.u64();
  if (!r.done()) r.corrupt(N_("bytes left after the last section"));
  return s;
}

State load_state(const std::string& path, const Rules& rules, NamePool& names) {
  return decode_state(read_whole_file(path), path, rules, names);
}

void save_state(const State& state, const std::string& path) {
  util::write_file_atomically(path, encode_state(state));
}

} // namespace darkscan
