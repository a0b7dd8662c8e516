#include "temp_dir.hpp"

#include <darkscan/error.hpp>
#include <darkscan/util/atomic_file.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

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
