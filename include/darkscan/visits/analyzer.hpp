#pragma once

#include <darkscan/classify/classifier.hpp>
#include <darkscan/classify/prepared.hpp>
#include <darkscan/classify/verdict.hpp>
#include <darkscan/scan/scan.hpp>
#include <darkscan/visits/busy_visitors.hpp>
#include <darkscan/visits/line_filter.hpp>
#include <darkscan/visits/machine_filter.hpp>
#include <darkscan/visits/mail_bursts.hpp>
#include <darkscan/visits/preview_memory.hpp>
#include <darkscan/visits/sessions.hpp>
#include <darkscan/visits/site.hpp>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace darkscan {

// Turns hits into verdicts: what each hit is (Classifier), which page views
// start a visit (Sessions), and where each arrival came from, with the
// evidence and its weight, in the order of doc/CLASSIFIER.md.
//
// The work is split in two: prepare (the Classifier: rule matches, any thread,
// any order) and decide (visits, previews, channels: one thread, input order),
// so a parallel scan gives the same verdicts as a serial one.
//
// When neither the log ($host, %v) nor --site names the site, the first hits
// are held back (up to a few thousand, copied) until the site's host can be
// guessed from referrers; then they are decided in order. finish() must be
// called at the end of the input.
class Analyzer final : public HitSink {
public:
  using NoteHandler = std::function<void(const Message&)>;

  Analyzer(const Rules& rules, const std::vector<std::string>& sites, VerdictSink& sink, NoteHandler note);
  ~Analyzer() override;

  // Serial use: prepare and decide.
  void add(const Hit& hit) override;
  // Serial use with one hit of look-ahead: add() decides a page view when the next hit comes (or
  // at decide() or finish()), and asks for its visitor's slots first (prefetch()), so that parsing
  // the next line hides those cache misses. The same decisions in the same order; a page view's
  // text is copied (to a buffer that is reused) until it is decided. Off: each hit is decided in
  // add().
  void look_ahead(bool on);
  // Parallel use: a preparer per worker thread, then decide() in input order.
  std::unique_ptr<HitPreparer> preparer() override;
  void decide(const Hit& hit, const Prepared& prepared, std::string_view arena) override;
  // A page view's visitor: its session slot and its buckets in the returning filter, cache misses
  // in tables of megabytes that decide() would otherwise wait for.
  void prefetch(const Prepared& prepared) const override;
  void finish();
  // Decides the page view held for look-ahead and hands on every verdict held back (MachineFilter):
  // finish() does; a caller that needs each verdict at once (a test) calls it after each hit.
  void flush();

  // The site hosts used (given or guessed).
  // The site's hosts: given (--site, a state's), then guessed from referrers.
  std::vector<std::string> site_hosts() const {
    std::vector<std::string> hosts = m_site.hosts();
    hosts.insert(hosts.end(), m_guessed.hosts().begin(), m_guessed.hosts().end());
    return hosts;
  }
  std::size_t visitors() const { return m_sessions.size(); }
  const LineFilter& filter() const { return m_filter; }
  // --host: only the lines that name these hosts (or names under them) are counted.
  void only_hosts(const std::vector<std::string>& hosts) { m_filter.only_hosts(hosts); }
  // The window of the report (--since, --until): the busy visitors' note counts the visits in it.
  void busy_window(std::int64_t since, std::int64_t until) { m_busy_since = since, m_busy_until = until; }

  // What earlier runs left (a saved state): visits in progress, returning
  // visitors, recent previews, the last hour's mail arrivals. Set before the first hit; read after finish().
  Sessions& sessions() { return m_sessions; }
  PreviewMemory& previews() { return m_previews; }
  MailBursts& mail_bursts() { return m_mail; }

  // For a shard that may later be merged after an earlier one: arrivals that
  // history before `origin` (the shard's first hit; Hit::k_no_time: this
  // run's first timed hit) could decide otherwise carry Verdict::open bits.
  void defer_history(std::int64_t origin);

  // The query parameters that stay in page keys (the Aggregate's): previews are remembered
  // by page, so that a fetch of "/?p=1" is no evidence for "/?p=2".
  void keep_params(std::vector<std::string> params) { m_keep_params = std::move(params); }
  // The first arrival's time, or for a shard without arrivals its first timed hit's.
  std::int64_t origin() const { return m_origin != Hit::k_no_time ? m_origin : m_first_timed; }

private:
  struct HeldHit;
  // A hit of add(), with what was prepared of it; a held page view's text is its own.
  struct Ahead {
    Hit hit;
    Prepared prepared;
    std::string arena, text; // the prepared text, and the hit's (its views point there)
  };
  void decide_in_order(const Hit& hit, const Prepared& prepared, std::string_view arena);
  void decide_held();
  void decide_now(const Hit& hit, const Prepared& prepared, std::string_view ref_host);
  void arrival(const Hit& hit, const Prepared& p, std::string_view ref_host, bool internal, Verdict& v);
  void guess_site();
  void mark_open(std::int64_t time, bool seen_before, Verdict& v);

  const Rules& m_rules;
  Classifier m_classifier; // for the serial path
  Sessions m_sessions;
  PreviewMemory m_previews;
  MailBursts m_mail{m_rules.settings().mailing_min_arrivals}; // many mail arrivals within the hour: a mailing
  SiteHosts m_site;
  LineFilter m_filter{m_rules}; // lines of other hosts (--host) and of --exclude-ip's visitors
  SiteHosts m_guessed; // from referrers, for the lines that name no host (guess_site)
  SiteGuess m_guess;
  NamedHosts m_named; // the hosts the lines name: several are counted as one site, which finish() says
  BusyVisitors m_busy; // who starts the most visits: a few who start many are named by finish()
  std::int64_t m_busy_since = INT64_MIN, m_busy_until = INT64_MAX; // the visits it counts
  SiteCheck m_site_check; // whether the hosts of --site refer the log's page views: finish() says when not
  MachineFilter m_sink;   // the sink given, behind the holding back of page views without referrer
  NoteHandler m_note;
  bool m_guessing;
  std::uint64_t m_site_lines = 0, m_no_site_lines = 0; // while guessing: lines that name a site, and not
  std::uint64_t m_hostless_lines = 0;                  // and of these, lines that name no host at all
  bool m_defer = false;
  std::int64_t m_origin = Hit::k_no_time;      // the shard's start: its first arrival (mark_open)
  std::int64_t m_first_timed = Hit::k_no_time; // its first timed hit of any class
  std::vector<std::unique_ptr<HeldHit>> m_held;
  bool m_look_ahead = false;
  // add()'s hits: the one it prepares into (m_next), and the page view it holds (the other one,
  // when m_holding), by turns.
  std::array<Ahead, 2> m_ahead;
  std::size_t m_next = 0;
  bool m_holding = false;
  std::vector<std::string> m_keep_params;
  std::string m_key, m_key_path; // buffers of page_key()
  std::string_view page_key(const Hit& hit);
  // The page's page_signature(): of its path, or of its page key when the query has a parameter kept
  // in it (a machine that opens /article?id=100 then ?id=101 opens two pages).
  std::uint32_t page_of(std::string_view path, std::string_view query);
};

} // namespace darkscan
