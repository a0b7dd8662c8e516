#include <darkscan/visits/mail_bursts.hpp>

#include <algorithm>

namespace darkscan {

bool MailBursts::mailing(std::string_view page, std::int64_t time) {
  if (m_min == 0) return false;
  Recent& r = m_pages[page];
  const std::size_t before = m_min - 1;
  // All of the last `before` arrivals read (not only the oldest: a line out of order, read after
  // later ones, is not within the hour before them; a review) lie in [time - k_window, time].
  const bool burst = r.times.size() == before &&
                     std::all_of(r.times.begin(), r.times.end(),
                                 [&](std::int64_t t) { return t <= time && time - t <= k_window; });
  if (before > 0) {
    if (r.times.size() < before) {
      r.times.push_back(time);
    } else {
      r.times[r.next] = time;
      r.next = (r.next + 1) % before;
    }
  }
  if (burst) {
    ++m_mailing;
    m_pages_mailed += !r.counted;
    r.counted = true;
  }
  return burst;
}

std::optional<Message> MailBursts::note() const {
  if (m_mailing == 0) return std::nullopt;
  return message(
      N_("{} mail arrivals came after {} others on their page within an hour (pages: {}): they are "
         "counted as the site's own mailing (channel campaign, reason mail.mailing), not as mail readers "
         "sent each other; if the site sends no newsletter, set mailing_min_arrivals 0 in a weights.rules "
         "of your own (--rules)"),
      count_message(m_mailing), m_min - 1, count_message(m_pages_mailed));
}

} // namespace darkscan
