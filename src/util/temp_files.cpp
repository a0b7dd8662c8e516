#include <darkscan/util/temp_files.hpp>

#include <atomic>
#include <csignal>
#include <mutex>
#include <pthread.h>
#include <unistd.h>

namespace darkscan::util {

namespace {

// Read by the signal handler: lock-free atomics only (async-signal-safe).
std::atomic<const char*> g_temps[k_max_temps];
static_assert(std::atomic<const char*>::is_always_lock_free);

extern "C" void remove_temps(int sig) {
  for (auto& slot : g_temps)
    if (const char* path = slot.load()) ::unlink(path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// The signals whose default ends the run (a robustness review, 2026-12-07: SIGQUIT, Ctrl-\\, left a
// 32 MB temporary file; so did SIGUSR1, SIGALRM and SIGXCPU, a CPU limit of cron's). SIGPIPE too: a
// report written to a file while standard error goes to a pipe that closed.
constexpr int k_signals[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT, SIGUSR1,
                             SIGUSR2, SIGALRM, SIGXCPU, SIGXFSZ, SIGPIPE};

void install_handlers() {
  for (const int sig : k_signals) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;
    struct sigaction act {};
    act.sa_handler = remove_temps;
    sigemptyset(&act.sa_mask);
    ::sigaction(sig, &act, nullptr);
  }
}

} // namespace

int remember_temp(const char* path) {
  static std::once_flag installed;
  std::call_once(installed, install_handlers);
  for (int i = 0; i < k_max_temps; ++i) {
    const char* none = nullptr;
    if (g_temps[i].compare_exchange_strong(none, path)) return i;
  }
  return -1;
}

SignalsHeld::SignalsHeld() {
  sigset_t held;
  sigemptyset(&held);
  for (const int sig : k_signals)
    sigaddset(&held, sig);
  ::pthread_sigmask(SIG_BLOCK, &held, &m_before);
}

SignalsHeld::~SignalsHeld() { ::pthread_sigmask(SIG_SETMASK, &m_before, nullptr); }

void forget_temp(int slot) {
  if (slot >= 0 && slot < k_max_temps) g_temps[slot].store(nullptr);
}

} // namespace darkscan::util
