// Replays saved inputs through a fuzz target without libFuzzer, so that the
// corpus and the regressions run as ordinary tests with any compiler:
//
//   fuzz_line_parser_replay fuzz/corpus/fuzz_line_parser fuzz/regressions/fuzz_line_parser
//
// Each argument is a file or a directory (read recursively, in name order;
// names starting with '.' are skipped, so that a .gitkeep keeps an empty
// directory). Every input is passed to LLVMFuzzerTestOneInput in a heap block
// of exactly its size. A finding aborts (a failed test); the name of the input
// being run is printed first, so the failing one is the last name shown.
// Exit status: 0 when every input ran, 1 when an argument cannot be read or
// there was no input at all.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// The files named by `arg`, sorted; false when it does not exist.
bool collect(const fs::path& arg, std::vector<fs::path>& out) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) {
    out.push_back(arg);
    return true;
  }
  if (!fs::is_directory(arg, ec)) return false;
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(arg, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (hidden(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) found.push_back(it->path());
  }
  if (ec) return false;
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
  return true;
}

bool run_one(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return false;
  std::printf("replay: %s (%zu bytes)\n", path.string().c_str(), bytes.size());
  std::fflush(stdout);
  // Exactly the input's size, so that AddressSanitizer sees a read past its end.
  auto block = std::make_unique<std::uint8_t[]>(bytes.size());
  std::copy(bytes.begin(), bytes.end(), block.get());
  LLVMFuzzerTestOneInput(block.get(), bytes.size());
  return true;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 1;
  }
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!collect(argv[i], inputs)) {
      std::fprintf(stderr, "replay: cannot read '%s'\n", argv[i]);
      return 1;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "replay: no input found\n");
    return 1;
  }
  for (const fs::path& p : inputs) {
    if (!run_one(p)) {
      std::fprintf(stderr, "replay: cannot read '%s'\n", p.string().c_str());
      return 1;
    }
  }
  std::printf("replay: %zu inputs, no finding\n", inputs.size());
  return 0;
}
