#pragma once

#include <string>
#include <string_view>

namespace darkscan::util {

// A file written atomically: the content goes to a temporary file in the same
// directory, and commit() fsyncs it and renames it over `path`. Readers see
// the old file or the whole new one, never half of it; a run that fails before
// commit() leaves the old file as it was (the destructor removes the
// temporary). A `path` that is a device or a pipe (/dev/null, a FIFO) is written in place; one
// that names a descriptor of this process ("-", /dev/stdout, /dev/stderr, /dev/fd/N,
// /proc/self/fd/N) is written through that descriptor, wherever the shell sent it.
// Errors throw Error(ExitCode::cannot_write) naming the path.
class AtomicFile {
public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  void commit();

private:
  [[noreturn]] void fail(int err);

  std::string m_path;   // as given, for messages
  std::string m_target; // where it leads (a symbolic link's target): what is replaced
  std::string m_tmp;
  int m_fd = -1;
  int m_slot = -1; // util::remember_temp's: removed on SIGINT/SIGTERM/SIGHUP (temp_files.hpp)
};

// Where `path` leads through symbolic links: the file an AtomicFile replaces, and the name a lock
// of that file is made from (a link to a state locks the state). A link to nothing yet leads to its
// target's path (it is created there); a path that is no link is returned as it is.
std::string final_target(const std::string& path);

// True when `path` is written in place, not replaced: a descriptor of this process ("-",
// /dev/stdout, /dev/fd/N...), a device or a pipe.
bool written_in_place(const std::string& path);

// 0 when a file can be created at `path`: its folder exists and is writable, or `path` is written
// in place (a descriptor of this process, a device, a pipe)
// (checked before a long run, whose output would otherwise be lost at the
// end); else the errno that says why not.
int folder_error(const std::string& path);

// The folder a file at `path` goes in: "." for a bare name.
std::string folder_of(const std::string& path);

// Writes `content` to `path` through an AtomicFile.
void write_file_atomically(const std::string& path, std::string_view content);

} // namespace darkscan::util
