#include <darkscan/classify/cdn_edges.hpp>
#include <darkscan/parse/hit_copy.hpp>
#include <darkscan/util/text.hpp>
#include <darkscan/util/url_path.hpp>
#include <darkscan/visits/analyzer.hpp>
#include <darkscan/visits/decision.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace darkscan {

namespace {

// Hits held back while the site host is guessed.
constexpr std::size_t k_guess_referred = 2000; // enough referred hits to decide
constexpr std::size_t k_guess_max_held = 20000;

class ClassifierPreparer final : public HitPreparer {
public:
  explicit ClassifierPreparer(const Rules& rules) : m_classifier(rules) {}
  void prepare(const Hit& hit, Prepared& out, std::string& arena) override {
    m_classifier.prepare(hit, out, arena);
  }

private:
  Classifier m_classifier;
};

} // namespace

// A copy of a Hit, with its Prepared and referrer host, that owns its text.
struct Analyzer::HeldHit {
  std::string text;
  Hit hit;
  Prepared prepared;
  std::string ref_host;

  HeldHit(const Hit& h, const Prepared& p, std::string_view host) : hit(h), prepared(p), ref_host(host) {
    own_hit_text(hit, text);
  }
};

Analyzer::Analyzer(const Rules& rules, const std::vector<std::string>& sites, VerdictSink& sink,
                   NoteHandler note)
    : m_rules(rules), m_classifier(rules), m_sink(sink), m_note(std::move(note)) {
  for (const std::string& s : sites)
    m_site.add(s);
  m_guessing = m_site.empty();
}

Analyzer::~Analyzer() = default;

std::unique_ptr<HitPreparer> Analyzer::preparer() { return std::make_unique<ClassifierPreparer>(m_rules); }

void Analyzer::add(const Hit& hit) {
  Ahead& next = m_ahead[m_next];
  next.arena.clear();
  m_classifier.prepare(hit, next.prepared, next.arena);
  if (!m_look_ahead || next.prepared.verdict.cls != HitClass::page_view) { // nothing to load ahead
    decide_held();
    decide_in_order(hit, next.prepared, next.arena);
    return;
  }
  prefetch(next.prepared);
  decide_held();
  next.hit = hit;
  own_hit_text(next.hit, next.text);
  m_holding = true;
  m_next ^= 1;
}

void Analyzer::look_ahead(bool on) {
  decide_held();
  m_look_ahead = on;
}

void Analyzer::decide_held() {
  if (!m_holding) return;
  m_holding = false;
  const Ahead& held = m_ahead[m_next ^ 1];
  decide_in_order(held.hit, held.prepared, held.arena);
}

void Analyzer::decide(const Hit& hit, const Prepared& prepared, std::string_view arena) {
  decide_held(); // a scan may go on in parallel after its first lines came through add()
  decide_in_order(hit, prepared, arena);
}

void Analyzer::decide_in_order(const Hit& hit, const Prepared& prepared, std::string_view arena) {
  if (!m_filter.keep(hit)) return;
  const std::string_view ref_host = prepared.ref_host(arena);
  // A line that names its site (%v, $host) says itself what is internal: it is decided at once,
  // unless lines that name none are held before it (a visitor's hits are decided in order). Until
  // 2026-12-06 the first such line ended the guess and the lines held before it were dropped (a
  // review: a plain log read with a vhost one), then a guess from those few lines was applied to
  // the vhost lines too (a second review).
  if (!m_guessing) {
    decide_now(hit, prepared, ref_host);
    return;
  }
  // A line of a log that names its site whose host is an address (a scanner asking for the server by
  // it) is no line to guess from, and is decided with its own host (a review, 2026-12-07: a vhost log
  // with a few such lines guessed from them, noted falsely that referrers counted as external, or
  // took a spam referrer for the site). A log whose every host is an address or a server's own name
  // (Debian's 127.0.1.1, web01), and a log without hosts, are guessed from.
  const bool names_site = names_a_site(hit.host) || (!hit.host.empty() && m_site_lines > 0);
  ++(names_site ? m_site_lines : m_no_site_lines);
  m_hostless_lines += hit.host.empty();
  if (names_site && m_held.empty()) {
    decide_now(hit, prepared, ref_host);
    return;
  }
  m_held.push_back(std::make_unique<HeldHit>(hit, prepared, ref_host));
  // Count the referrers of human hits that no rule knows, on lines that name no host: the site's
  // own host is the one that refers most of them.
  const HitClass cls = prepared.verdict.cls;
  if ((cls == HitClass::page_view || cls == HitClass::asset) && !names_site && !hit.referer.empty()) {
    std::string host_text;
    referrer_host(hit.referer, host_text);
    const Rule* rule = nullptr;
    if (!host_text.empty() && host_text.find(':') == std::string::npos)
      rule = m_rules.match_referrer(host_text);
    // Only a name of the bytes of host names: no site is "(null)" (a CDN review, 2026-12-07: a Fastly
    // log's "(null)" referrers made the site "(null)"), "", or a word loggers write for none ("unknown":
    // a second review); an intranet's "wiki" or "localhost" is one.
    const bool name =
        !host_text.empty() && host_text != "unknown" && host_text != "null" && host_text != "none" &&
        host_text != "undefined" && std::all_of(host_text.begin(), host_text.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        });
    if (name && !rule) m_guess.count(host_text, cls == HitClass::asset);
  }
  if (m_guess.total() >= k_guess_referred || m_held.size() >= k_guess_max_held) {
    guess_site();
  } else if (m_hostless_lines == 0 && m_site_lines >= 100 && m_site_lines > 10 * m_no_site_lines) {
    // Lines that name their site held behind a few that name none: decided now (they need no guess),
    // and the guess waits for lines without a host, if any come (a plain log read after a vhost one:
    // a second review found its links external when the guess ended here).
    auto held = std::move(m_held);
    for (const auto& h : held)
      decide_now(h->hit, h->prepared, h->ref_host);
  }
}

void Analyzer::prefetch(const Prepared& prepared) const {
  if (prepared.verdict.cls == HitClass::page_view) m_sessions.prefetch(prepared.visitor);
}

std::string_view Analyzer::page_key(const Hit& hit) {
  return util::page_key(hit.path, hit.query, m_keep_params, m_key_path, m_key);
}

std::uint32_t Analyzer::page_of(std::string_view path, std::string_view query) {
  if (query.empty() || m_keep_params.empty() || !util::has_param(query, m_keep_params))
    return page_signature(path);
  return page_signature(util::page_key(path, query, m_keep_params, m_key_path, m_key));
}

void Analyzer::defer_history(std::int64_t origin) {
  m_defer = true;
  m_origin = origin;
}

void Analyzer::flush() {
  decide_held();
  m_sink.flush();
}

void Analyzer::finish() {
  decide_held();
  if (m_guessing) guess_site();
  m_sink.flush();
  if (auto busy = m_busy.note()) m_note(*busy);
  if (auto mailed = m_mail.note()) m_note(*mailed);
  m_filter.note(m_note);
  if (auto wrong_site = m_site_check.note(m_site)) m_note(*wrong_site);
  if (auto several = m_named.note(m_site, m_filter.filters_hosts())) m_note(*several);
}

void Analyzer::guess_site() {
  m_guessing = false;
  // A log whose lines name their site (vhost_combined), with a few that name none (scanners asking
  // for the server by its address): those few are no site to guess, and the note that referrers
  // count as external was false (a review, 2026-12-07; a spam referrer on them was taken as the site).
  const bool named_log = m_site_lines > m_no_site_lines && m_hostless_lines == 0;
  const std::string host = named_log ? std::string() : m_guess.best().first;
  if (named_log) {
  } else if (!host.empty()) {
    m_guessed.add(host);
    for (const Message& note : m_guess.notes())
      m_note(note);
  } else if (!m_held.empty()) {
    m_note(translated(N_("site host not given and no referrers to guess it from: every referrer counts as "
                         "external; use --site HOST to set it")));
  }
  auto held = std::move(m_held);
  for (const auto& h : held)
    decide_now(h->hit, h->prepared, h->ref_host);
}

void Analyzer::decide_now(const Hit& hit, const Prepared& p, std::string_view ref_host) {
  Verdict v = p.verdict;
  // A shard without arrivals starts at its first timed hit: a shard of preview fetches and bots
  // alone had no start, sorted last in a merge, and its fetches decided none of the later shards'
  // arrivals (a review, 2026-12-06: one run gave 3 arrivals after a preview, the merge 1). Not
  // for a shard with arrivals: a bot's line dated before the rotation (Apache's %t is when a slow
  // request began) would set its start early, and its arrivals would not stay open (a second review).
  if (m_defer && m_first_timed == Hit::k_no_time && hit.time != Hit::k_no_time) m_first_timed = hit.time;
  if (v.cls == HitClass::preview) {
    // A fetch for a public post is no evidence of a private share (SIGNALS.md 3): not remembered.
    const bool evidence = is_evidence_preview(static_cast<AgentKind>(v.rules[0]->kind));
    if (evidence && v.shared_page && hit.request_valid && hit.time != Hit::k_no_time)
      m_previews.record(page_key(hit), hit.time, v.rules[0], hit.file, hit.line);
  }
  if (v.cls != HitClass::page_view) {
    m_sink.add(hit, v);
    return;
  }
  m_named.count(hit.host); // page views only: bots and scanners ask for any host

  // The guessed host is the site of the lines that name none; a line that names its host has it.
  const bool internal =
      !ref_host.empty() && (m_site.is_internal(ref_host, hit.host) ||
                            (!names_a_site(hit.host) && m_guessed.is_internal(ref_host, {})));
  v.internal_referrer = internal;
  if (!m_site.empty() && !ref_host.empty()) { // --site given: are its hosts the log's?
    const bool sample = !internal && m_site_check.sampling();
    m_site_check.see(ref_host, internal, sample && m_rules.match_referrer(ref_host) != nullptr);
  }
  Sessions::Visitor& visitor = m_sessions.visitor(p.visitor, hit.time);
  const bool external = !ref_host.empty() && !internal;
  // A tag starts a visit, unless the site's own link carries it (a tagged promotion of a related
  // article, a login page's return to the tagged article): the visit goes on (an analyst's review,
  // 2026-12-06: each such click was a new visit of its page, channel internal, weight 0).
  const bool forced = external || (p.tag != nullptr && !internal);
  const std::uint32_t page = page_of(hit.path, hit.query);
  const auto referer_page = [&] {
    std::string_view path, query;
    util::url_path_query(hit.referer, path, query);
    return page_of(path, query);
  };
  if (internal && hit.time != Hit::k_no_time && is_subresource(visitor, hit.time, page, referer_page)) {
    // Fetched by the page it names as referrer while it loaded: not a page, never an arrival.
    v.cls = HitClass::asset;
    v.add_reason("asset.subresource");
    m_sink.add(hit, v);
    return;
  }
  const bool no_referrer = hit.has_referer && hit.referer.empty();
  // A second page opened without referrer within seconds: a machine's, and so was the first. Not on a
  // site whose links send no referrer: its readers' clicks and frames have none (a review).
  if (no_referrer && hit.time != Hit::k_no_time && m_sessions.site_links() &&
      machine_view(visitor, hit.time, page)) {
    v.machine_pair = record_machine_view(visitor, hit.time, page);
    MachineFilter::make_machine(v);
    m_sink.add(hit, v);
    if (const std::int64_t t = m_sink.withdrawn_visit();
        t != Hit::k_no_time && t >= m_busy_since && t < m_busy_until)
      m_busy.uncount(p.visitor, hit.forwarded_for.empty() && is_cloudflare_edge(hit.client));
    return;
  }
  visitor.machine = false;
  visitor.last_bare = no_referrer;
  v.pairable = no_referrer && hit.time != Hit::k_no_time && m_sessions.site_links();
  // Without timestamps, a visit is everything a visitor does.
  const bool within = hit.time == Hit::k_no_time ? visitor.seen : Sessions::continues(visitor, hit.time);
  // A page view without referrer (one is logged) and without tag, in a visit whose links sent an
  // internal referrer, was not reached by a link of the site: another shared link tapped, a typed
  // address, a bookmark, or another person behind the same address and agent (carrier NAT, one
  // reduced Chrome agent for all). It starts a visit unless it repeats the visit's arrival (the back
  // button) or the page just viewed (re-entered in the address bar: a second review found one on a
  // real log) (an analyst's review, 2026-12-06: they were all internal navigation).
  const bool bare = !forced && !internal && hit.has_referer;
  // In a messenger's own browser the site's links are also known from the whole log, not the visit
  // alone (three articles tapped in WhatsApp were one arrival). Not in other browsers: scrapers and
  // mail scanners walk pages without referrer a minute apart (doc/CLASSIFIER.md, visit.unlinked).
  if (internal) m_sessions.count_internal_view();
  const bool messenger = (p.ua && static_cast<AgentKind>(p.ua->kind) == AgentKind::messaging) ||
                         (p.package && static_cast<PackageKind>(p.package->kind) == PackageKind::messaging);
  const bool unlinked = bare && within && unlinked_view(visitor, page, m_sessions.site_links(), messenger);
  const bool starts = forced || unlinked; // a page view that starts a visit unless it repeats the arrival
  // Needed to compare a forced page view with the visit's arrival, or to become the new arrival's.
  const std::uint32_t signature = starts || !within ? arrival_signature(hit.path, hit.query, hit.referer) : 0;
  const bool continues = hit.time == Hit::k_no_time ? within && (!starts || visitor.arrival == signature)
                                                    : continues_visit(visitor, hit.time, signature, starts);
  const bool seen_before = visitor.seen;
  v.returning = m_sessions.returning(visitor, hit.time);
  if (hit.time != Hit::k_no_time) {
    visitor.last_page_view = hit.time;
    visitor.timed = true;
  }
  visitor.seen = true;
  visitor.last_page = page;
  visitor.linked = (continues && visitor.linked) || internal;
  if (continues) {
    v.add_reason(starts ? "visit.reload" : "visit.continues");
    m_sink.add(hit, v);
    return;
  }
  visitor.arrival = signature;
  v.visit_start = true;
  if (hit.time == Hit::k_no_time || (hit.time >= m_busy_since && hit.time < m_busy_until))
    m_busy.count(p.visitor, hit.forwarded_for.empty() && is_cloudflare_edge(hit.client));
  v.forced = starts;
  v.bare = bare;
  v.messenger = messenger;
  v.internal_views = static_cast<std::uint8_t>(m_sessions.internal_views());
  v.page = page;
  v.signature = signature;
  arrival(hit, p, ref_host, internal, v);
  if (unlinked) v.add_reason("visit.unlinked");
  if (v.evidence) v.weight = m_rules.weight(*v.evidence);
  if (m_defer && hit.time != Hit::k_no_time) mark_open(hit.time, seen_before, v);
  m_sink.add(hit, v);
}

// Which parts of this arrival's decision history before the origin could change.
void Analyzer::mark_open(std::int64_t time, bool seen_before, Verdict& v) {
  if (m_origin == Hit::k_no_time) m_origin = time;
  const std::int64_t since_origin = time - m_origin;
  const bool direct_deep =
      v.evidence == Evidence::direct_deep_new || v.evidence == Evidence::direct_deep_returning;
  // A forced arrival too: it may reload the arrival of a visit from that history.
  if (!seen_before && since_origin < Sessions::k_visit_gap) v.open |= k_open_session;
  if (!seen_before && v.evidence == Evidence::direct_deep_new && since_origin < Sessions::k_returning_window)
    v.open |= k_open_returning;
  if (direct_deep && since_origin < PreviewMemory::k_window) v.open |= k_open_preview;
}

} // namespace darkscan
