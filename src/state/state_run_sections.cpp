// The state file's first sections: what the run was (origin, counters, settings) and the inputs it
// read (Ledger).
#include <darkscan/state/state_sections.hpp>

namespace darkscan::state_file {

void write_run(Writer& w, const State& s) {
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
}

void read_run(Reader& r, State& s) {
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
}

void write_ledger(Writer& w, const Ledger& ledger) {
  w.u32(static_cast<std::uint32_t>(ledger.entries().size()));
  for (const LedgerEntry& e : ledger.entries()) {
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
}

void read_ledger(Reader& r, Ledger& ledger) {
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
    ledger.add(std::move(e));
  }
}

} // namespace darkscan::state_file
