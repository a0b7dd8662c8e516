// The state file's sections on visitors and previews: the filter of visitors seen, the session
// table, the preview fetches.
#include <darkscan/state/state_sections.hpp>

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

namespace darkscan::state_file {

// The slots in use in index order, each as the gap from the previous index and 4 bytes. Written
// before the visitors, who may join the filter as they are read.
void write_seen(Writer& w, const SeenVisitors& seen) {
  w.i64(seen.latest_unit());
  w.hash(seen.kick_state());
  w.u64(seen.size());
  std::uint32_t previous = 0;
  seen.for_each_slot([&](std::uint32_t index, std::uint32_t slot) {
    w.u32(index - previous);
    w.fixed(slot, 4);
    previous = index;
  });
}

void read_seen(Reader& r, SeenVisitors& seen) {
  const std::int64_t latest = r.i64();
  seen.set_kick_state(r.hash());
  std::uint64_t index = 0;
  const std::size_t slots = r.count(1 + 4);
  // Times in 2-minute units from any parsed log (years 0 to 9999) are far inside this: the
  // filter's arithmetic on them cannot overflow.
  if (slots > 0 &&
      (latest < -k_max_time / SeenVisitors::k_unit || latest > k_max_time / SeenVisitors::k_unit))
    r.corrupt(N_("the seen visitors' time is out of range"));
  for (std::size_t n = slots; n > 0; --n) {
    index += r.u32();
    if (!seen.restore(latest, static_cast<std::uint32_t>(std::min<std::uint64_t>(index, UINT32_MAX)),
                      static_cast<std::uint32_t>(r.fixed(4))))
      r.corrupt(N_("a seen visitor is out of range"));
  }
  seen.forget_expired();
}

// By key: the same sessions are always the same bytes.
void write_visitors(Writer& w, const Sessions& sessions) {
  std::vector<Sessions::Visitor> visitors;
  visitors.reserve(sessions.size());
  sessions.for_each([&](const Sessions::Visitor& v) { visitors.push_back(v); });
  std::sort(visitors.begin(), visitors.end(), [](const auto& x, const auto& y) { return x.key < y.key; });
  w.u32(static_cast<std::uint32_t>(visitors.size()));
  for (const Sessions::Visitor& v : visitors) {
    w.hash(v.key);
    w.i64(v.last_page_view);
    w.u8(static_cast<std::uint8_t>((v.seen ? 1 : 0) | (v.timed ? 2 : 0) | (v.linked ? 4 : 0) |
                                   (v.last_bare ? 8 : 0) | (v.machine ? 16 : 0)));
    w.u32(v.arrival);
    w.u32(v.last_page);
  }
  w.u64(sessions.internal_views());
}

void read_visitors(Reader& r, Sessions& sessions, std::uint32_t version) {
  for (std::size_t n = r.count(8 + 4); n > 0; --n) {
    const std::uint64_t key = r.hash();
    if (key == 0) r.corrupt(N_("a visitor key is 0"));
    Sessions::Visitor& v = sessions.visitor(key);
    v.last_page_view = r.i64();
    if (version == 3) {
      v.seen = r.flag();
      v.timed = v.last_page_view != 0;
    } else {
      const std::uint8_t flags = r.u8();
      if (flags > (version >= 10 ? 31 : version >= 7 ? 7 : 3)) r.corrupt(N_("a visitor has unknown flags"));
      v.seen = flags & 1;
      v.timed = flags & 2;
      v.linked = flags & 4;    // since version 7
      v.last_bare = flags & 8; // since version 10 (machine_view())
      v.machine = flags & 16;
    }
    if (v.last_page_view < -k_max_time || v.last_page_view > k_max_time)
      r.corrupt(N_("a visitor's time is out of range"));
    v.arrival = r.u32();
    v.last_page = r.u32();
  }
  if (version >= 8) {
    const std::uint64_t internal_views = r.u64();
    if (internal_views > Sessions::k_links_learned)
      r.corrupt(N_("the count of internal page views is out of range"));
    sessions.set_internal_views(internal_views);
  } else {
    // An older state keeps no count; a visit it holds that followed a link of the site shows that
    // the site's links send a referrer (a review: the count started again at 0).
    bool linked = false;
    sessions.for_each([&](const Sessions::Visitor& v) { linked = linked || v.linked; });
    if (linked) sessions.set_internal_views(Sessions::k_links_learned);
  }
}

// By path; the rule by its id.
void write_previews(Writer& w, const PreviewMemory& previews) {
  std::vector<std::pair<std::string_view, PreviewMemory::Fetch>> fetches;
  previews.for_each(
      [&](std::string_view path, const PreviewMemory::Fetch& f) { fetches.emplace_back(path, f); });
  std::sort(fetches.begin(), fetches.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  w.u32(static_cast<std::uint32_t>(fetches.size()));
  for (const auto& [path, f] : fetches) {
    w.str(path);
    w.i64(f.time);
    w.str(f.rule ? std::string_view(f.rule->id) : std::string_view());
  }
}

void read_previews(Reader& r, PreviewMemory& previews, const Rules& rules) {
  std::unordered_map<std::string_view, const Rule*> previews_by_id;
  for (const Rule& rule : rules.agents()) {
    if (is_evidence_preview(static_cast<AgentKind>(rule.kind))) previews_by_id.emplace(rule.id, &rule);
  }
  for (std::size_t n = r.count(3); n > 0; --n) {
    const std::string_view path = r.str();
    const std::int64_t time = r.i64();
    const std::string_view id = r.str();
    // A preview rule removed since: its fetches are no longer evidence.
    if (auto it = previews_by_id.find(id); it != previews_by_id.end())
      previews.record(path, time, it->second);
  }
}

// By page, each page's times oldest read first.
void write_mail(Writer& w, const MailBursts& mail) {
  std::vector<std::pair<std::string_view, std::vector<std::int64_t>>> pages;
  mail.for_each([&](std::string_view page, const std::vector<std::int64_t>& times) {
    pages.emplace_back(page, times);
  });
  std::sort(pages.begin(), pages.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  w.u32(static_cast<std::uint32_t>(pages.size()));
  for (const auto& [page, times] : pages) {
    w.str(page);
    w.u32(static_cast<std::uint32_t>(times.size()));
    for (const std::int64_t t : times)
      w.i64(t);
  }
}

void read_mail(Reader& r, MailBursts& mail) {
  for (std::size_t n = r.count(1 + 1); n > 0; --n) {
    const std::string_view page = r.str();
    const std::size_t times = r.count(1);
    if (times == 0 || times >= k_max_mailing_min) r.corrupt(N_("a page's mail arrivals are out of range"));
    for (std::size_t i = 0; i < times; ++i) {
      const std::int64_t t = r.i64();
      if (t < -k_max_time || t > k_max_time) r.corrupt(N_("a mail arrival's time is out of range"));
      mail.remember(page, t);
    }
  }
}

} // namespace darkscan::state_file
