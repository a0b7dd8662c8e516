#pragma once

#include <csignal>

namespace darkscan::util {

// Temporary files (AtomicFile's) removed when the run is stopped by SIGINT, SIGTERM or SIGHUP: a
// cron job killed by its timeout, or a Ctrl-C, leaves no 'report.json.XXXXXX' behind (a review,
// 2026-12-06). The signal then takes its default course (the exit status says which one). A signal
// that was ignored when darkscan started (nohup) stays ignored.

// Remembers `path`, which must stay valid until forget_temp(); returns its slot (-1 when all
// k_max_temps are taken: the file is then only removed as usual).
int remember_temp(const char* path);
void forget_temp(int slot);

inline constexpr int k_max_temps = 16;

// Holds those signals back on this thread while it lives: a file created and then remembered is
// created and remembered before a signal can stop the run (CI, 2026-12-07: a signal sent the moment
// a file appeared could come before its name was remembered). A signal held back is delivered when
// this ends.
class SignalsHeld {
public:
  SignalsHeld();
  ~SignalsHeld();
  SignalsHeld(const SignalsHeld&) = delete;
  SignalsHeld& operator=(const SignalsHeld&) = delete;

private:
  sigset_t m_before;
};

} // namespace darkscan::util
