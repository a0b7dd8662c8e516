#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace darkscan::util {

// The regular file at `path` (its device and inode), if one exists: two names of one file (a link,
// "./x" and "x") have the same identity. Nothing for "", "-", devices, folders and missing files.
inline std::optional<std::pair<dev_t, ino_t>> file_identity(const std::string& path) {
  struct stat st {};
  if (path.empty() || path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return std::nullopt;
  return std::pair{st.st_dev, st.st_ino};
}

// The identity of the regular file on standard input (`darkscan -o x.log - < x.log`), if it is one.
inline std::optional<std::pair<dev_t, ino_t>> stdin_identity() {
  struct stat st {};
  if (::fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return std::pair{st.st_dev, st.st_ino};
}

// True when `a` and `b` name one file: the same identity, or, when either does not exist yet, the
// same path once "." and ".." and links of the folders are resolved.
inline bool same_target(const std::string& a, const std::string& b) {
  if (a == "-" || b == "-" || a.empty() || b.empty()) return false;
  const auto ia = file_identity(a), ib = file_identity(b);
  if (ia && ib) return ia == ib;
  std::error_code ea, eb;
  const auto ca = std::filesystem::weakly_canonical(std::filesystem::absolute(a, ea), ea);
  const auto cb = std::filesystem::weakly_canonical(std::filesystem::absolute(b, eb), eb);
  return !ea && !eb && ca == cb;
}

} // namespace darkscan::util
