#pragma once

// The state file's primitives: how a number, a hash, a string and a list of app counts are written
// and read back (state_file.cpp frames them; state_*_sections.cpp write and read the sections).

#include <darkscan/common/error.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/state/state.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace darkscan::state_file {

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
  // What is left to read.
  std::string_view rest() const { return m_in; }
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

} // namespace darkscan::state_file
