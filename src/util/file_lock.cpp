#include <darkscan/common/error.hpp>
#include <darkscan/util/file_lock.hpp>
#include <darkscan/util/temp_files.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace darkscan::util {

FileLock::FileLock(std::string path) : m_path(std::move(path)) {
  // The file is removed when the lock is released. A run that opened it just before could then
  // lock a file that no longer has the name: so a lock counts only when the name still leads to
  // the file locked, else try again with the new one.
  // Signals wait until the file created is remembered (or closed): one that came between would
  // leave the lock file behind.
  const SignalsHeld held_back;
  for (;;) {
    m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) {
      throw Error(message(N_("cannot create lock file '{}': {}"), m_path, system_message(errno)),
                  ExitCode::input_failed);
    }
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(m_fd);
      m_fd = -1;
      throw Error(err == EWOULDBLOCK
                      ? message(N_("'{}' is locked: another darkscan is using this state; try again when "
                                   "it has finished"),
                                m_path)
                      : message(N_("cannot lock '{}': {}"), m_path, system_message(err)),
                  ExitCode::input_failed);
    }
    struct stat held {
    }, named{};
    if (::fstat(m_fd, &held) == 0 && ::stat(m_path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
        held.st_ino == named.st_ino) {
      m_slot = remember_temp(m_path.c_str());
      return;
    }
    ::close(m_fd); // removed by the run that held it: take the new one
  }
}

FileLock::~FileLock() {
  if (m_fd < 0) return;
  forget_temp(m_slot);
  ::unlink(m_path.c_str()); // while still locked: no lock file is left behind
  ::close(m_fd);            // closing releases the lock
}

} // namespace darkscan::util
