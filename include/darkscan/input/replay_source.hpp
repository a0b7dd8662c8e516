#pragma once

#include <darkscan/input/source.hpp>

#include <memory>
#include <string>

namespace darkscan {

// A source whose first decoded bytes were read ahead (to learn content parameters from its first
// lines: content_params.hpp) and are given again before the rest of `inner`: the scan sees the
// input whole, a pipe or standard input too. Memory: the bytes read ahead, freed once given.
class ReplaySource final : public Source {
public:
  ReplaySource(std::string head, std::unique_ptr<Source> inner);

  std::size_t read(char* out, std::size_t size) override;
  std::uint64_t skip(std::uint64_t size) override; // within the head, then the inner source's own
  std::uint64_t complete_lines_end() override { return m_inner->complete_lines_end(); }
  std::uint64_t stored_position() const override { return m_inner->stored_position(); }

private:
  std::string m_head;
  std::size_t m_given = 0; // bytes of m_head given so far
  std::unique_ptr<Source> m_inner;
};

// Reads decoded bytes of `source` until they hold `max_lines` newlines or `max_bytes` bytes, in
// chunks of 64 KiB (the last line may be cut); returns them. Stops early at the end of the input
// or on a read error (then source.error() says why; the scan reports it).
std::string read_ahead(Source& source, std::size_t max_lines, std::size_t max_bytes);

} // namespace darkscan
