#include <darkscan/common/error.hpp>
#include <darkscan/report/output.hpp>

#include <cerrno>
#include <cstdio>

namespace darkscan {

Output::Output(const std::string& path) {
  if (!path.empty()) m_file = std::make_unique<util::AtomicFile>(path);
  m_buffer.reserve(k_flush + 4096);
}

void Output::write(std::string_view data) {
  m_buffer.append(data);
  maybe_flush();
}

void Output::flush() {
  if (m_file) {
    m_file->write(m_buffer);
  } else if (std::fwrite(m_buffer.data(), 1, m_buffer.size(), stdout) != m_buffer.size() ||
             std::fflush(stdout) != 0) {
    throw Error(message(N_("cannot write to standard output: {}"), system_message(errno)),
                ExitCode::cannot_write);
  }
  m_buffer.clear();
}

void Output::finish() {
  flush();
  if (m_file) m_file->commit();
}

} // namespace darkscan
