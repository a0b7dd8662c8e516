#include <darkscan/error.hpp>
#include <darkscan/state.hpp>
#include <darkscan/util/atomic_file.hpp>
#include <darkscan/util/hash.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace darkscan {

namespace {

// "darkscan state" and a byte that text tools and `file` show as binary.
constexpr std::string_view k_magic{"DARKSCAN-STATE\n\x1a", 16};
// Bump on any change of the payload layout; older files are then refused.
constexpr std::uint32_t k_version = 1;
constexpr std::size_t k_header_size = k_magic.size() + 4 + 8;
constexpr std::size_t k_max_string = 1 << 20;

class Writer {
public:
  explicit Writer(std::string& out) : m_out(out) {}
  void u8(std::uint8_t v) { m_out += static_cast<char>(v); }
  void u32(std::uint32_t v) { fixed(v, 4); }
  void u64(std::uint64_t v) { fixed(v, 8); }
  void i64(std::int64_t v) { fixed(static_cast<std::uint64_t>(v), 8); }
  void f64(double v) { fixed(std::bit_cast<std::uint64_t>(v), 8); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    m_out.append(s);
  }
  void apps(const AppCounts& counts) {
    u32(static_cast<std::uint32_t>(counts.size()));
    for (const auto& [app, n] : counts) {
      str(app);
      u64(n);
    }
  }

private:
  void fixed(std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      m_out += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  std::string& m_out;
};

// Reads the payload; any inconsistency throws Error naming the file.
class Reader {
public:
  Reader(std::string_view in, const std::string& name, NamePool& names)
      : m_in(in), m_name(name), m_names(names) {}
  std::uint8_t u8() { return static_cast<std::uint8_t>(fixed(1)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(fixed(4)); }
  std::uint64_t u64() { return fixed(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(fixed(8)); }
  double f64() { return std::bit_cast<double>(fixed(8)); }
  bool flag() {
    const std::uint8_t v = u8();
    if (v > 1) corrupt("a flag is neither 0 nor 1");
    return v == 1;
  }
  std::string_view str() {
    const std::uint32_t size = u32();
    if (size > k_max_string || size > m_in.size()) corrupt("a string runs past the end");
    std::string_view s = m_in.substr(0, size);
    m_in.remove_prefix(size);
    return s;
  }
  std::string_view name() { return *m_names.emplace(str()).first; }
  // A count of items of at least `item_size` bytes each, checked against what is left.
  std::size_t count(std::size_t item_size) {
    const std::uint32_t n = u32();
    if (static_cast<std::uint64_t>(n) * item_size > m_in.size()) corrupt("a count runs past the end");
    return n;
  }
  void apps(AppCounts& counts) {
    for (std::size_t i = count(12); i > 0; --i) {
      const std::string_view app = name();
      add_app(counts, app, u64());
    }
  }
  bool done() const { return m_in.empty(); }
  [[noreturn]] void corrupt(std::string_view what) const {
    throw Error(fmt::format("state '{}' is damaged ({}); it was left as it is", m_name, what),
                ExitCode::input_failed);
  }

private:
  std::uint64_t fixed(int bytes) {
    if (m_in.size() < static_cast<std::size_t>(bytes)) corrupt("it ends too early");
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_in[static_cast<std::size_t>(i)]))
           << (8 * i);
    m_in.remove_prefix(static_cast<std::size_t>(bytes));
    return v;
  }
  std::string_view m_in;
  const std::string& m_name;
  NamePool& m_names;
};

void write_stats(Writer& w, const PageStats& p) {
  w.u64(p.page_views);
  w.u64(p.visits);
  w.f64(p.dark_social);
  w.u64(p.dark_social_visits);
  for (std::uint64_t e : p.evidence)
    w.u64(e);
  w.apps(p.previews);
  w.apps(p.apps);
}

void read_stats(Reader& r, PageStats& p) {
  p.page_views = r.u64();
  p.visits = r.u64();
  p.dark_social = r.f64();
  p.dark_social_visits = r.u64();
  for (std::uint64_t& e : p.evidence)
    e = r.u64();
  r.apps(p.previews);
  r.apps(p.apps);
}

void write_aggregate(Writer& w, const Aggregate& a) {
  const TrafficTotals& t = a.totals();
  for (std::uint64_t v : {t.bots, t.previews, t.assets, t.page_views, t.visits, t.dark_social_visits})
    w.u64(v);
  w.f64(t.dark_social);
  for (const ChannelStats& c : t.channels) {
    w.u64(c.visits);
    w.f64(c.dark_social);
  }
  w.apps(t.previews_by_app);
  // Sorted, here and below: the same state is always the same bytes.
  std::vector<const Aggregate::Pages::value_type*> pages;
  for (const auto& entry : a.pages())
    pages.push_back(&entry);
  std::sort(pages.begin(), pages.end(), [](auto* x, auto* y) { return x->first < y->first; });
  w.u32(static_cast<std::uint32_t>(pages.size()));
  for (const auto* entry : pages) {
    w.str(entry->first);
    write_stats(w, entry->second);
  }
  w.u32(static_cast<std::uint32_t>(a.pending().size()));
  for (const PendingArrival& p : a.pending()) {
    w.u64(p.visitor);
    w.i64(p.time);
    w.str(p.page);
    w.str(p.path);
    w.u8(static_cast<std::uint8_t>(p.channel));
    w.u8(p.evidence ? static_cast<std::uint8_t>(*p.evidence) + 1 : 0);
    w.str(p.app);
    w.u8(p.open);
  }
}

void read_aggregate(Reader& r, Aggregate& a) {
  TrafficTotals& t = a.mutable_totals();
  for (std::uint64_t* v : {&t.bots, &t.previews, &t.assets, &t.page_views, &t.visits, &t.dark_social_visits})
    *v = r.u64();
  t.dark_social = r.f64();
  for (ChannelStats& c : t.channels) {
    c.visits = r.u64();
    c.dark_social = r.f64();
  }
  r.apps(t.previews_by_app);
  for (std::size_t n = r.count(4 + 8 * 9 + 8); n > 0; --n) {
    const std::string_view key = r.str();
    read_stats(r, a.page(key));
  }
  for (std::size_t n = r.count(8 + 8 + 4 + 4 + 2 + 4 + 1); n > 0; --n) {
    PendingArrival p;
    p.visitor = r.u64();
    p.time = r.i64();
    p.page = r.str();
    p.path = r.str();
    const std::uint8_t channel = r.u8();
    if (channel >= k_channel_count) r.corrupt("an unknown channel");
    p.channel = static_cast<Channel>(channel);
    const std::uint8_t evidence = r.u8();
    if (evidence > k_evidence_count) r.corrupt("an unknown kind of evidence");
    if (evidence > 0) p.evidence = static_cast<Evidence>(evidence - 1);
    p.app = r.name();
    p.open = r.u8();
    a.mutable_pending().push_back(std::move(p));
  }
}

std::string read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(fmt::format("cannot open state '{}': {}", path, system_message(errno)),
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
      throw Error(fmt::format("cannot read state '{}': {}", path, system_message(err)),
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
    w.u64(e.fingerprint);
    w.u32(e.fingerprint_size);
    w.u64(e.offset);
    w.u64(e.lines);
    w.u8(static_cast<std::uint8_t>(e.codec));
    w.u64(e.stored_size);
    w.u8(e.complete ? 1 : 0);
    w.str(e.name);
    w.i64(e.last_seen);
  }
  std::vector<Sessions::Visitor> visitors;
  visitors.reserve(s.sessions.size());
  s.sessions.for_each([&](const Sessions::Visitor& v) { visitors.push_back(v); });
  std::sort(visitors.begin(), visitors.end(), [](const auto& x, const auto& y) { return x.key < y.key; });
  w.u32(static_cast<std::uint32_t>(visitors.size()));
  for (const Sessions::Visitor& v : visitors) {
    w.u64(v.key);
    w.i64(v.last_page_view);
    w.u8(v.seen ? 1 : 0);
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
  w.u32(static_cast<std::uint32_t>(s.slices.size()));
  for (const auto& [start, slice] : s.slices) {
    w.i64(start);
    w.i64(slice.period.end);
    w.str(slice.period.label);
    write_aggregate(w, slice.traffic);
  }

  std::string out(k_magic);
  Writer header(out);
  header.u32(k_version);
  header.u64(payload.size());
  out += payload;
  header.u64(util::hash_bytes(payload));
  return out;
}

State decode_state(std::string_view bytes, const std::string& name, const Rules& rules, NamePool& names) {
  auto refuse = [&](const std::string& why) {
    throw Error(fmt::format("state '{}' {}; it was left as it is", name, why), ExitCode::input_failed);
  };
  if (bytes.substr(0, k_magic.size()) != k_magic) refuse("is not a darkscan state file");
  if (bytes.size() < k_header_size + 8) refuse("is truncated");
  Reader header(bytes.substr(k_magic.size(), 12), name, names);
  const std::uint32_t version = header.u32();
  const std::uint64_t size = header.u64();
  if (version != k_version) {
    refuse(fmt::format("has format version {}, and this darkscan reads version {}; rebuild it from the "
                       "logs (run again without the state)",
                       version, k_version));
  }
  if (size != bytes.size() - k_header_size - 8) {
    refuse(size > bytes.size() - k_header_size - 8 ? "is truncated" : "has bytes past its end");
  }
  const std::string_view payload = bytes.substr(k_header_size, size);
  Reader sum(bytes.substr(k_header_size + size), name, names);
  if (sum.u64() != util::hash_bytes(payload)) refuse("is damaged (its checksum does not match)");

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
  for (std::size_t n = r.count(4); n > 0; --n)
    s.keep_params.emplace_back(r.str());
  s.format = r.str();
  for (std::size_t n = r.count(4); n > 0; --n)
    s.site_hosts.emplace_back(r.str());
  for (std::size_t n = r.count(8 + 4 + 8 + 8 + 1 + 8 + 1 + 4 + 8); n > 0; --n) {
    LedgerEntry e;
    e.fingerprint = r.u64();
    e.fingerprint_size = r.u32();
    e.offset = r.u64();
    e.lines = r.u64();
    const std::uint8_t codec = r.u8();
    if (codec > static_cast<std::uint8_t>(Codec::zstd)) r.corrupt("an unknown codec");
    e.codec = static_cast<Codec>(codec);
    e.stored_size = r.u64();
    e.complete = r.flag();
    e.name = r.str();
    e.last_seen = r.i64();
    s.ledger.add(std::move(e));
  }
  for (std::size_t n = r.count(17); n > 0; --n) {
    const std::uint64_t key = r.u64();
    Sessions::Visitor& v = s.sessions.visitor(key);
    v.last_page_view = r.i64();
    v.seen = r.flag();
  }
  std::unordered_map<std::string_view, const Rule*> previews_by_id;
  for (const Rule& rule : rules.agents()) {
    if (static_cast<AgentKind>(rule.kind) == AgentKind::preview) previews_by_id.emplace(rule.id, &rule);
  }
  for (std::size_t n = r.count(16); n > 0; --n) {
    const std::string_view path = r.str();
    const std::int64_t time = r.i64();
    const std::string_view id = r.str();
    // A preview rule removed since: its fetches are no longer evidence.
    if (auto it = previews_by_id.find(id); it != previews_by_id.end())
      s.previews.record(path, time, it->second);
  }
  for (std::size_t n = r.count(8 + 8 + 4); n > 0; --n) {
    const std::int64_t start = r.i64();
    PeriodSplitter::Slice slice{Period{start, r.i64(), std::string(r.str())}, Aggregate(s.keep_params)};
    read_aggregate(r, slice.traffic);
    if (!s.slices.emplace(start, std::move(slice)).second) r.corrupt("an hour appears twice");
  }
  if (!r.done()) r.corrupt("bytes left after the last section");
  return s;
}

State load_state(const std::string& path, const Rules& rules, NamePool& names) {
  return decode_state(read_whole_file(path), path, rules, names);
}

void save_state(const State& state, const std::string& path) {
  util::write_file_atomically(path, encode_state(state));
}

} // namespace darkscan
