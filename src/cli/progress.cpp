#include <darkscan/cli/progress.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/util/display_width.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

namespace darkscan {

namespace {

constexpr std::uint64_t k_large_input = 64ull << 20; // below this, a run is too quick to need progress

std::string size_text(double bytes) {
  if (bytes >= 1e9) return format_tr(N_("{} GB"), decimal_text(bytes / 1e9, 2));
  return format_tr(N_("{} MB"), decimal_text(bytes / 1e6, 0));
}

} // namespace

Progress::Progress(std::uint64_t total)
    : m_total(total), m_start(std::chrono::steady_clock::now()), m_last(m_start) {}

Progress::~Progress() { clear(); }

bool Progress::wanted(const std::vector<std::string>& files, std::uint64_t& total) {
  if (::isatty(STDERR_FILENO) != 1) return false;
  total = 0;
  for (const std::string& f : files) {
    struct stat st {};
    if (f != "-" && ::stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      total += static_cast<std::uint64_t>(st.st_size);
  }
  return total >= k_large_input;
}

void Progress::update(const Source& source, bool done) {
  const auto now = std::chrono::steady_clock::now();
  const std::uint64_t read = m_finished + source.stored_position();
  if (done) m_finished += source.stored_position();
  // The first line at once (a 100 MB log can be read in a tenth of a second), then every 100 ms.
  if (m_shown && now - m_last < std::chrono::milliseconds(100)) return;
  m_last = now;
  const double seconds = std::chrono::duration<double>(now - m_start).count();
  const double rate = seconds > 0 ? static_cast<double>(read) / seconds : 0;
  std::string line;
  if (m_total > 0) {
    const double fraction = std::min(1.0, static_cast<double>(read) / static_cast<double>(m_total));
    const int width = 24, filled = static_cast<int>(fraction * width);
    const double left = rate > 0 ? static_cast<double>(m_total - std::min(read, m_total)) / rate : 0;
    // Right-aligned as wide as "100%" ("  5%", " 42%"; "  5 %" in French): the line does not shift.
    static const std::size_t percent_width = util::display_width(percent_text(1.0, 0));
    line = fmt::format("\r[{}{}] {:>{}}  ", std::string(filled, '#'), std::string(width - filled, '.'),
                       percent_text(fraction, 0), percent_width);
    // TRANSLATORS: the progress line: bytes read of the total, the rate, and the time left (minutes:seconds).
    line += format_tr(N_("{} of {}  {}/s  ETA {}:{:02}  "), size_text(static_cast<double>(read)),
                      size_text(static_cast<double>(m_total)), size_text(rate), static_cast<int>(left) / 60,
                      static_cast<int>(left) % 60);
  } else {
    // TRANSLATORS: the progress line of an input of unknown size: bytes read, and the rate.
    line = "\r" + format_tr(N_("{} read  {}/s  "), size_text(static_cast<double>(read)), size_text(rate));
  }
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  m_shown = true;
  m_width = std::max(m_width, util::display_width(line));
}

void Progress::clear() {
  if (!m_shown) return;
  // Spaces over the line, not the erase escape, which a dumb terminal prints as text.
  std::fputs(("\r" + std::string(m_width, ' ') + "\r").c_str(), stderr);
  std::fflush(stderr);
  m_shown = false;
}

} // namespace darkscan
