#include "temp_dir.hpp"

#include <darkscan/common/error.hpp>
#include <darkscan/util/atomic_file.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace darkscan;

TEST_CASE("atomic_file: replaces the file and leaves nothing else", "[atomic_file]") {
  test::TempDir dir;
  const std::string path = dir.write("report.json", "old");
  util::write_file_atomically(path, "new content\n");
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() == "new content\n");
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path())) {
    (void)entry;
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("atomic_file: a missing directory is an error naming the path", "[atomic_file]") {
  test::TempDir dir;
  const std::string path = dir.path("no/such/dir/report.tsv");
  try {
    util::write_file_atomically(path, "x");
    FAIL("wrote into a missing directory");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::cannot_write);
    CHECK_THAT(std::string(e.what()), Catch::Contains(path));
  }
}

TEST_CASE("atomic_file: a pipe is written in place, never replaced by a file", "[atomic_file]") {
  // As -o /dev/null or -o a FIFO: renaming a temporary file over it would replace the device (for
  // root) or the pipe with a regular file.
  test::TempDir dir;
  const std::string fifo = dir.path("out.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The read end is opened first, without blocking, so that the write cannot wait for a reader.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  util::write_file_atomically(fifo, "report\n");
  char buffer[64];
  const ssize_t n = ::read(reader, buffer, sizeof buffer);
  ::close(reader);
  const std::string read(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  CHECK(read == "report\n");
  struct stat st {};
  REQUIRE(::stat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path("")))
    files += entry.is_regular_file();
  CHECK(files == 0); // no temporary file left beside it
}
