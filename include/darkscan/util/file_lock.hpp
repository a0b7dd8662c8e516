#pragma once

#include <string>

namespace darkscan::util {

// An exclusive lock on `path` (created if missing), held until destruction,
// which removes the file: two runs that share a state file must not both
// update it, and no lock file is left behind. Throws
// Error(ExitCode::input_failed) naming the file when another process holds
// it, or when it cannot be created. A run stopped by SIGINT, SIGTERM or SIGHUP removes it as well (a
// review, 2026-12-06: the lock was left behind, which the README says it is not).
class FileLock {
public:
  explicit FileLock(std::string path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

private:
  std::string m_path;
  int m_fd = -1;
  int m_slot = -1; // removed by the handler of SIGINT, SIGTERM, SIGHUP too (temp_files.hpp)
};

} // namespace darkscan::util
