#pragma once

#include <darkscan/util/string_table.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace darkscan {

// The arrivals from mail (a webmail referrer, a mail app's browser) per page, to tell the site's own
// mailing from mail that readers send each other: a newsletter's link is clicked by many of its
// thousands of recipients within the hour it lands, a reader's message reaches a few people. The
// site's newsletter is a campaign even untagged (bench/README.md's truth, as GA4 and Plausible count
// it: SIGNALS.md 1.1). On bench/sim-fifth's b2b-newsletter (an untagged weekly newsletter), 1,853 of
// its 2,297 mail arrivals come after 5 others on their page within the hour, and 163 of the 471
// private ones (mostly the newsletter forwarded to colleagues in that hour); on sim-fourth's shop and
// sim-alt's mobile-africa, no mail arrival does. The 5 and the hour are an assumption: no source
// gives how many people a reader's message reaches.
class MailBursts {
public:
  static constexpr std::size_t k_before = 5;     // mail arrivals on the page before this one...
  static constexpr std::int64_t k_window = 3600; // ...within this many seconds: a mailing

  // Counts a mail arrival on `page` at `time`; true when it is part of a mailing: k_before others
  // came within k_window before it. Lines a little out of order count as at their time.
  bool mailing(std::string_view page, std::int64_t time);

private:
  struct Recent {
    std::array<std::int64_t, k_before> times{}; // a ring of the last k_before arrivals' times
    std::size_t next = 0, count = 0;
  };
  util::StringTable<Recent> m_pages;
};

} // namespace darkscan
