#include <darkscan/input/ledger.hpp>
#include <darkscan/util/hash.hpp>

#include <algorithm>
#include <cstring>
#include <map>

namespace darkscan {

namespace {

// A Source that first returns bytes already read from `inner` (the head),
// starts at a decoded offset and stops at a decoded limit.
class ResumedSource final : public Source {
public:
  ResumedSource(std::unique_ptr<Source> inner, std::string head, std::uint64_t start, std::uint64_t limit)
      : Source(inner->name(), inner->codec()), m_inner(std::move(inner)), m_head(std::move(head)),
        m_position(start), m_limit(limit) {
    m_stored_size = m_inner->stored_size();
    // Drop what was read before: from the head first, then from the input.
    if (start <= m_head.size()) {
      m_head_pos = static_cast<std::size_t>(start);
    } else {
      m_head_pos = m_head.size();
      const std::uint64_t want = start - m_head.size();
      m_inner->skip(want);
      if (!m_inner->error().empty()) m_error = m_inner->error();
    }
  }

  // A compressed input hands out whole lines only, until its end: bytes after the last newline are
  // held back until more follow, whatever the size asked for (a parallel scan asks for what fills
  // its block, a few bytes at times). When the data then stops at damage (a .gz still being
  // written), they are a piece of a line: left out, so that the ledger records where the next run
  // reads that line whole (a review, 2026-12-06: its second half was a malformed line of the next
  // run; a second review: with --threads 2 too). A plain file stops at its last whole line already
  // (complete_lines_end).
  std::size_t read(char* out, std::size_t size) override {
    if (m_position >= m_limit || size == 0) return 0;
    size = static_cast<std::size_t>(std::min<std::uint64_t>(size, m_limit - m_position));
    if (codec() == Codec::plain) return take(m_error.empty() ? next_bytes(out, size) : 0);
    while (m_ready_pos == m_ready.size()) {
      if (m_ended || !m_error.empty()) return 0;
      m_chunk.resize(k_chunk);
      const std::size_t got = next_bytes(m_chunk.data(), m_chunk.size());
      if (got == 0) { // the end: the held bytes are the last line when the data is whole
        m_ended = true;
        m_ready.clear();
        if (m_error.empty()) m_ready.swap(m_held);
        m_held.clear();
        m_ready_pos = 0;
        continue;
      }
      m_held.append(m_chunk.data(), got);
      const std::size_t last = m_held.rfind('\n');
      if (last != std::string::npos) {
        m_ready.assign(m_held, 0, last + 1);
        m_held.erase(0, last + 1);
        m_ready_pos = 0;
      } else if (m_held.size() > k_max_held) { // a line longer than any cap: the line reader caps it
        m_ready.swap(m_held);
        m_held.clear();
        m_ready_pos = 0;
      }
    }
    const std::size_t n = std::min(size, m_ready.size() - m_ready_pos);
    std::memcpy(out, m_ready.data() + m_ready_pos, n);
    m_ready_pos += n;
    return take(n);
  }

  std::uint64_t stored_position() const override { return m_inner->stored_position(); }

private:
  // Bytes from the head, then from the input; 0 at its end (m_error set on damage).
  std::size_t next_bytes(char* out, std::size_t size) {
    if (size == 0) return 0;
    if (m_head_pos < m_head.size()) {
      const std::size_t n = std::min(size, m_head.size() - m_head_pos);
      std::memcpy(out, m_head.data() + m_head_pos, n);
      m_head_pos += n;
      return n;
    }
    const std::size_t n = m_inner->read(out, size);
    if (n == 0 && !m_inner->error().empty()) m_error = m_inner->error();
    return n;
  }
  std::size_t take(std::size_t n) {
    m_position += n;
    return n;
  }

  static constexpr std::size_t k_chunk = 64 * 1024;
  // Held at most: a line without a newline in 16 MiB is handed out as it comes (the line reader caps it).
  static constexpr std::size_t k_max_held = 16u << 20;

  std::unique_ptr<Source> m_inner;
  // A compressed input's bytes: whole lines ready to hand out, and those after its last newline.
  std::string m_ready, m_held, m_chunk;
  std::size_t m_ready_pos = 0;
  bool m_ended = false;
  std::string m_head;
  std::size_t m_head_pos = 0;
  std::uint64_t m_position; // decoded offset of the next byte
  std::uint64_t m_limit;
};

std::uint64_t fingerprint_of(std::string_view head, std::size_t size) {
  return util::hash_bytes(head.substr(0, size));
}

} // namespace

std::ptrdiff_t Ledger::find(std::string_view head) const {
  std::map<std::size_t, std::uint64_t> hashes; // by prefix size: most entries share one
  std::ptrdiff_t best = -1;
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    const LedgerEntry& e = m_entries[i];
    if (e.fingerprint_size == 0 || e.fingerprint_size > head.size()) continue;
    auto it = hashes.find(e.fingerprint_size);
    if (it == hashes.end())
      it = hashes.emplace(e.fingerprint_size, fingerprint_of(head, e.fingerprint_size)).first;
    if (it->second != e.fingerprint) continue;
    // The longest fingerprint is the surest; then the furthest read.
    if (best < 0 || e.fingerprint_size > m_entries[best].fingerprint_size ||
        (e.fingerprint_size == m_entries[best].fingerprint_size && e.offset > m_entries[best].offset)) {
      best = static_cast<std::ptrdiff_t>(i);
    }
  }
  return best;
}

Resume Ledger::resume(std::unique_ptr<Source> source) const {
  Resume r;
  const std::uint64_t limit = source->complete_lines_end();
  r.head.resize(k_fingerprint_bytes);
  std::size_t got = 0;
  while (got < r.head.size()) {
    const std::size_t n = source->read(r.head.data() + got, r.head.size() - got);
    if (n == 0) break;
    got += n;
  }
  r.head.resize(got);
  const std::ptrdiff_t i = find(r.head);
  if (i >= 0) {
    const LedgerEntry& e = m_entries[static_cast<std::size_t>(i)];
    r.known = true;
    r.previous_name = e.name;
    r.offset = e.offset;
    r.lines = e.lines;
    // A compressed file read to its end and unchanged as stored: skip it
    // without decoding it again.
    r.whole = e.complete && source->codec() != Codec::plain && e.codec == source->codec() &&
              e.stored_size != 0 && e.stored_size == source->stored_size();
  }
  std::string head = r.head;
  r.source = r.whole ? std::make_unique<ResumedSource>(std::move(source), std::move(head), 0, 0)
                     : std::make_unique<ResumedSource>(std::move(source), std::move(head), r.offset, limit);
  return r;
}

void Ledger::record(const Resume& resume, Codec codec, std::uint64_t stored_size, std::uint64_t offset,
                    std::uint64_t lines, bool complete, const std::string& name, std::int64_t now) {
  if (offset == 0) return; // nothing read: nothing to recognise it by
  LedgerEntry entry;
  entry.fingerprint_size = static_cast<std::uint32_t>(std::min<std::uint64_t>(resume.head.size(), offset));
  entry.fingerprint = fingerprint_of(resume.head, entry.fingerprint_size);
  entry.offset = offset;
  entry.lines = lines;
  entry.codec = codec;
  entry.stored_size = stored_size;
  entry.complete = complete;
  entry.name = name;
  entry.last_seen = now;
  if (resume.known) {
    const std::ptrdiff_t i = find(resume.head);
    if (i >= 0) {
      LedgerEntry& old = m_entries[static_cast<std::size_t>(i)];
      if (old.offset > entry.offset) return; // read further under another name already
      old = std::move(entry);
      return;
    }
  }
  m_entries.push_back(std::move(entry));
}

void Ledger::prune(std::int64_t now) {
  std::erase_if(m_entries, [&](const LedgerEntry& e) { return now - e.last_seen > k_forget_after; });
  if (m_entries.size() > k_max_entries) {
    std::stable_sort(m_entries.begin(), m_entries.end(),
                     [](const LedgerEntry& a, const LedgerEntry& b) { return a.last_seen > b.last_seen; });
    m_entries.resize(k_max_entries);
  }
}

void Ledger::merge(const Ledger& other) {
  for (const LedgerEntry& e : other.m_entries)
    m_entries.push_back(e);
}

} // namespace darkscan
