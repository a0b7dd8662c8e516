#pragma once

#include <darkscan/input/source.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace darkscan {

// A one-line progress display on stderr: bytes read of the total, rate and
// time left. Used only when stderr is a terminal and the input is large
// (never in pipes or cron); redraws at most 10 times a second.
class Progress {
public:
  // `total` is the stored size of all inputs (0 when unknown: stdin).
  explicit Progress(std::uint64_t total);
  ~Progress();

  void update(const Source& source, bool done);
  // Erases the line, before the report and summary are printed.
  void clear();

  // Whether a progress display is wanted for these inputs.
  static bool wanted(const std::vector<std::string>& files, std::uint64_t& total);

private:
  std::uint64_t m_total;
  std::uint64_t m_finished = 0; // stored bytes of the inputs already read
  std::chrono::steady_clock::time_point m_start, m_last;
  bool m_shown = false;
  std::size_t m_width = 0; // the widest line shown, which clear() covers with spaces
};

} // namespace darkscan
