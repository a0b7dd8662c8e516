#include <darkscan/common/error.hpp>
#include <darkscan/util/atomic_file.hpp>
#include <darkscan/util/temp_files.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace darkscan::util {

namespace {

// The descriptor of this process that `path` names, or -1: "-", /dev/stdout, /dev/stderr, /dev/fd/N,
// /proc/self/fd/N. Resolved as a link, /dev/stdout led to the file the shell had opened for the
// output, and the report was renamed over it: `-o /dev/stdout >> history.log` lost the history, and
// anything else the shell wrote there (a review, 2026-12-06). Written through the descriptor, the
// report goes where the shell sends it, appended when it appends.
int own_descriptor(const std::string& path) {
  if (path == "-" || path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  for (const std::string_view prefix : {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/")}) {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) continue;
    int fd = 0;
    for (std::size_t i = prefix.size(); i < path.size(); ++i) {
      if (path[i] < '0' || path[i] > '9' || fd > 100000) return -1;
      fd = fd * 10 + (path[i] - '0');
    }
    return fd;
  }
  return -1;
}

// A device, a pipe or a socket that exists at `path` (a link followed): written in place.
bool is_device(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

} // namespace

// Renaming over a link replaced it with a file: `-o /dev/stdout` with the output sent to a file lost
// the report, and as root would have replaced /dev/stdout (a review, 2026-12-06). A link to nothing
// yet (a report's first night) leads to where its target will be, as the shell's '>' does.
std::string final_target(const std::string& path) {
  std::string at = path;
  for (int hops = 0; hops < 40; ++hops) { // as the kernel's limit on links followed (ELOOP)
    struct stat st {};
    if (::lstat(at.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) break;
    std::string link(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096), '\0');
    const ssize_t n = ::readlink(at.c_str(), link.data(), link.size());
    if (n <= 0) break;
    link.resize(static_cast<std::size_t>(n));
    const std::size_t slash = at.rfind('/');
    at = link.front() == '/' || slash == std::string::npos ? link : at.substr(0, slash + 1) + link;
  }
  if (at == path) return path;
  char* resolved = ::realpath(at.c_str(), nullptr);
  if (resolved == nullptr) return at; // the target does not exist yet
  std::string out(resolved);
  std::free(resolved);
  return out;
}

AtomicFile::AtomicFile(std::string path)
    : m_path(std::move(path)), m_target(final_target(m_path)), m_tmp(m_target + ".XXXXXX") {
  if (const int own = own_descriptor(m_path); own >= 0) {
    m_tmp.clear();
    m_fd = ::fcntl(own, F_DUPFD_CLOEXEC, 3);
    if (m_fd < 0) fail(errno);
    return;
  }
  // A device or a pipe (-o /dev/null, -o /dev/stdout, a FIFO) is written in place: renaming a file
  // over it would replace /dev/null itself for a run as root.
  if (is_device(m_target)) {
    m_tmp.clear();
    m_fd = ::open(m_target.c_str(), O_WRONLY | O_CLOEXEC);
    if (m_fd < 0) fail(errno);
    return;
  }
  // Remembered before mkstemp fills in and creates the name: a signal that arrives as soon as the file
  // exists removes it (CI, 2026-12-07: SIGALRM and SIGXCPU sent the moment 'hits.ndjson.XXXXXX'
  // appeared left it, when the name was remembered only after mkstemp returned).
  m_slot = remember_temp(m_tmp.c_str());
  m_fd = ::mkstemp(m_tmp.data());
  if (m_fd < 0) {
    const int err = errno;
    forget_temp(m_slot);
    m_slot = -1;
    m_tmp.clear();
    // The file may be writable and its folder not: say which (a review, 2026-12-06: "Permission
    // denied" on a file the user could write).
    throw Error(message(N_("cannot write '{}': its folder '{}': {} (the file is written beside it first, "
                           "then renamed)"),
                        m_path, folder_of(m_target), system_message(err)),
                ExitCode::cannot_write);
  }
  // mkstemp creates 0600. A file replaced keeps its mode (a report made private with chmod 600
  // stays private) and, for root, its owner and group; a new one is as readable as any file the
  // user writes.
  struct stat old {};
  if (::stat(m_target.c_str(), &old) == 0 && S_ISREG(old.st_mode)) {
    ::fchmod(m_fd, old.st_mode & 07777);
    if (::geteuid() == 0) (void)!::fchown(m_fd, old.st_uid, old.st_gid);
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(m_fd, 0666 & ~mask);
  }
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_tmp.empty()) ::unlink(m_tmp.c_str());
  forget_temp(m_slot);
}

void AtomicFile::fail(int err) {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
  if (!m_tmp.empty()) ::unlink(m_tmp.c_str());
  forget_temp(m_slot);
  m_slot = -1;
  m_tmp.clear();
  throw Error(message(N_("cannot write '{}': {}"), m_path, system_message(err)), ExitCode::cannot_write);
}

void AtomicFile::write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(m_fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void AtomicFile::commit() {
  const bool in_place = m_tmp.empty(); // a device or a pipe: nothing to sync or rename
  if (!in_place && ::fsync(m_fd) != 0) fail(errno);
  const int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) fail(errno);
  if (in_place) return;
  if (::rename(m_tmp.c_str(), m_target.c_str()) != 0) fail(errno);
  forget_temp(m_slot);
  m_slot = -1;
  m_tmp.clear();
}

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

bool written_in_place(const std::string& path) { return own_descriptor(path) >= 0 || is_device(path); }

int folder_error(const std::string& path) {
  // A descriptor or a device is written in place: its folder (/dev) need not be writable (a review,
  // 2026-12-06: '-o /dev/stdout' and '-o /dev/null' were refused to users other than root).
  if (written_in_place(path)) return 0;
  return ::access(folder_of(path).c_str(), W_OK) == 0 ? 0 : errno;
}

void write_file_atomically(const std::string& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  file.commit();
}

} // namespace darkscan::util
