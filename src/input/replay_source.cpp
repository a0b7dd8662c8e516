#include <darkscan/input/replay_source.hpp>

#include <algorithm>
#include <cstring>

namespace darkscan {

ReplaySource::ReplaySource(std::string head, std::unique_ptr<Source> inner)
    : Source(inner->name(), inner->codec()), m_head(std::move(head)), m_inner(std::move(inner)) {
  m_stored_size = m_inner->stored_size();
}

std::size_t ReplaySource::read(char* out, std::size_t size) {
  if (m_given < m_head.size()) {
    const std::size_t n = std::min(size, m_head.size() - m_given);
    std::memcpy(out, m_head.data() + m_given, n);
    m_given += n;
    if (m_given == m_head.size()) {
      m_head = std::string(); // given whole: freed
      m_given = 0;
    }
    return n;
  }
  const std::size_t n = m_inner->read(out, size);
  if (n == 0) m_error = m_inner->error();
  return n;
}

std::uint64_t ReplaySource::skip(std::uint64_t size) {
  const std::uint64_t in_head = std::min<std::uint64_t>(size, m_head.size() - m_given);
  m_given += static_cast<std::size_t>(in_head);
  if (m_given == m_head.size()) {
    m_head = std::string();
    m_given = 0;
  }
  if (in_head == size) return size;
  const std::uint64_t skipped = in_head + m_inner->skip(size - in_head);
  m_error = m_inner->error(); // a failed skip shows at once (the ledger checks it)
  return skipped;
}

std::string read_ahead(Source& source, std::size_t max_lines, std::size_t max_bytes) {
  std::string out;
  // Room for it all at once: growing by chunks would copy it again and again (only the pages
  // written are memory, so the room a short input leaves unused costs nothing).
  const std::uint64_t stored = source.stored_size();
  out.reserve(source.codec() == Codec::plain && stored > 0 ? std::min<std::uint64_t>(stored, max_bytes)
                                                           : max_bytes);
  std::size_t lines = 0;
  constexpr std::size_t k_chunk = 64 * 1024;
  while (lines < max_lines && out.size() < max_bytes) {
    const std::size_t at = out.size();
    out.resize(at + std::min(k_chunk, max_bytes - at));
    const std::size_t n = source.read(out.data() + at, out.size() - at);
    out.resize(at + n);
    if (n == 0) break;
    lines +=
        static_cast<std::size_t>(std::count(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(), '\n'));
  }
  return out;
}

} // namespace darkscan
