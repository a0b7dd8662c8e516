#pragma once

#include <darkscan/classify/evidence.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/util/string_table.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace darkscan {

// The arrivals from mail (a webmail referrer, a mail app's browser) per page, to tell the site's own
// mailing from mail that readers send each other: a newsletter's link is clicked by many of its
// thousands of recipients within the hour it lands, a reader's message reaches a few people. The
// site's newsletter is a campaign even untagged (bench/README.md's truth, as GA4 and Plausible count
// it: SIGNALS.md 1.1). On bench/sim-fifth's b2b-newsletter (an untagged weekly newsletter), 1,853 of
// its 2,297 mail arrivals come after 5 others on their page within the hour, and 163 of the 471
// private ones (mostly the newsletter forwarded to colleagues in that hour); on sim-fourth's shop and
// sim-alt's mobile-africa, no mail arrival does. The 6 (weights.rules mailing_min_arrivals) and the
// hour are an assumption: no source gives how many people a reader's message reaches. A page that
// readers mail each other more than 5 times an hour has its mail taken for a mailing: note() says so.
class MailBursts {
public:
  static constexpr std::int64_t k_window = 3600; // seconds

  // `min_arrivals`: a mail arrival is part of a mailing when it is at least the min_arrivals-th on
  // its page within k_window (0: never).
  explicit MailBursts(std::uint32_t min_arrivals = 6) : m_min(min_arrivals) {}

  // Counts a mail arrival on `page` at `time`; true when it is part of a mailing: min_arrivals - 1
  // others came within the k_window seconds before it (lines out of order: only those before it).
  bool mailing(std::string_view page, std::int64_t time);
  // How many arrivals were taken for a mailing, on how many pages, when any were.
  std::optional<Message> note() const;

  // The history a state keeps, so that chained runs and merges count a mailing as one run would.
  // Counts an arrival of an earlier run on `page` at `time`, as mailing() does, and takes no part in
  // note().
  void remember(std::string_view page, std::int64_t time);
  // Calls fn(page, times) for every page with arrivals held, their times oldest read first (a
  // std::vector<std::int64_t>), in no particular order.
  template <typename Fn> void for_each(Fn&& fn) const {
    std::vector<std::int64_t> times;
    for (const auto& [page, recent] : m_pages) {
      times.clear();
      for (std::size_t i = 0; i < recent.times.size(); ++i)
        times.push_back(recent.times[(recent.next + i) % recent.times.size()]);
      fn(std::string_view(page), times);
    }
  }
  // Forgets the arrivals before `time`, and the pages left without any.
  void forget_before(std::int64_t time);
  // Takes in the arrivals of `other` (a later shard), after this one's.
  void merge(const MailBursts& other);
  std::size_t pages() const { return m_pages.size(); }

private:
  struct Recent {
    std::vector<std::int64_t> times; // a ring of the last min_arrivals - 1 arrivals' times
    std::size_t next = 0;
    bool counted = false; // a mailing arrival came on the page (note())
  };
  void push(Recent& r, std::int64_t time) const;

  std::uint32_t m_min;
  util::StringTable<Recent> m_pages;
  std::uint64_t m_mailing = 0, m_pages_mailed = 0;
};

} // namespace darkscan
