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
  push(r, time);
  if (burst) {
    ++m_mailing;
    m_pages_mailed += !r.counted;
    r.counted = true;
  }
  return burst;
}

// Into the ring of the last m_min - 1 times (none when m_min is 0 or 1).
void MailBursts::push(Recent& r, std::int64_t time) const {
  const std::size_t before = m_min > 0 ? m_min - 1 : 0;
  if (before == 0) return;
  if (r.times.size() < before) {
    r.times.push_back(time);
  } else {
    r.times[r.next] = time;
    r.next = (r.next + 1) % before;
  }
}

void MailBursts::remember(std::string_view page, std::int64_t time) {
  if (m_min > 1) push(m_pages[page], time);
}

void MailBursts::forget_before(std::int64_t time) {
  util::StringTable<Recent> kept;
  for_each([&](std::string_view page, const std::vector<std::int64_t>& times) {
    for (const std::int64_t t : times)
      if (t >= time) push(kept[page], t);
  });
  m_pages = std::move(kept);
}

void MailBursts::merge(const MailBursts& other) {
  other.for_each([&](std::string_view page, const std::vector<std::int64_t>& times) {
    for (const std::int64_t t : times)
      remember(page, t);
  });
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
