#include <darkscan/classify/rules.hpp>
#include <darkscan/classify/rules_dirs.hpp>
#include <darkscan/common/error.hpp>

#include <cstdlib>
#include <filesystem>

namespace darkscan {

namespace fs = std::filesystem;

std::string Rules::default_dir() {
  auto usable = [](const fs::path& dir) { return fs::exists(dir / "agents.rules"); };
  if (const char* env = std::getenv("DARKSCAN_RULES_DIR"); env && *env) {
    if (!usable(env)) throw Error(message(N_("DARKSCAN_RULES_DIR='{}' holds no agents.rules"), env));
    return env;
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path bin = exe.parent_path();
    for (const fs::path& candidate :
         {bin / ".." / "share" / "darkscan" / "rules", bin / "rules", bin / ".." / "rules"}) {
      if (usable(candidate)) return fs::weakly_canonical(candidate).string();
    }
  }
#ifdef DARKSCAN_INSTALL_RULES_DIR
  if (usable(DARKSCAN_INSTALL_RULES_DIR)) return DARKSCAN_INSTALL_RULES_DIR;
#endif
#ifdef DARKSCAN_SOURCE_RULES_DIR
  if (usable(DARKSCAN_SOURCE_RULES_DIR)) return DARKSCAN_SOURCE_RULES_DIR;
#endif
  throw Error(translated(N_("cannot find darkscan's rules directory (looked next to the binary and in "
                            "share/darkscan/rules); set DARKSCAN_RULES_DIR or give --rules DIR")));
}

std::vector<std::string> rules_dirs(const std::vector<std::string>& extra) {
  std::vector<std::string> dirs{Rules::default_dir()};
  dirs.insert(dirs.end(), extra.begin(), extra.end());
  return dirs;
}

} // namespace darkscan
