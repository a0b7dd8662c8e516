#include <darkscan/visits/mail_bursts.hpp>

namespace darkscan {

bool MailBursts::mailing(std::string_view page, std::int64_t time) {
  Recent& r = m_pages[page];
  // The oldest of the last k_before (the slot about to be overwritten), when there are that many.
  const bool burst = r.count == k_before && time - r.times[r.next] <= k_window;
  r.times[r.next] = time;
  r.next = (r.next + 1) % k_before;
  if (r.count < k_before) ++r.count;
  return burst;
}

} // namespace darkscan
