#include <darkscan/error.hpp>
#include <darkscan/util/file_lock.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace darkscan::util {

FileLock::FileLock(std::string path) : m_path(std::move(path)) {
  m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (m_fd < 0) {
    throw Error(fmt::format("cannot create lock file '{}': {}", m_path, system_message(errno)),
                ExitCode::input_failed);
  }
  if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(m_fd);
    m_fd = -1;
    throw Error(err == EWOULDBLOCK
                    ? fmt::format("'{}' is locked: another darkscan is using this state; try again when it "
                                  "has finished",
                                  m_path)
                    : fmt::format("cannot lock '{}': {}", m_path, system_message(err)),
                ExitCode::input_failed);
  }
}

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd); // closing releases the lock
}

} // namespace darkscan::util
