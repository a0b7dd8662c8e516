#include <darkscan/analyzer.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

namespace darkscan {

namespace {

// Hits held back while the site host is guessed.
constexpr std::size_t k_guess_referred = 2000; // enough referred hits to decide
constexpr std::size_t k_guess_max_held = 20000;

} // namespace

// A copy of a Hit that owns its text.
struct Analyzer::HeldHit {
  std::string text;
  Hit hit;

  explicit HeldHit(const Hit& h) : hit(h) {
    std::string_view* fields[] = {&hit.client, &hit.user,       &hit.host,          &hit.method,
                                  &hit.target, &hit.path,       &hit.query,         &hit.protocol,
                                  &hit.referer, &hit.user_agent, &hit.forwarded_for, &hit.requested_with,
                                  &hit.file};
    std::size_t size = 0;
    for (auto* f : fields) size += f->size();
    text.reserve(size);
    std::vector<std::size_t> offsets;
    for (auto* f : fields) {
      offsets.push_back(text.size());
      text.append(*f);
    }
    for (std::size_t i = 0; i < std::size(fields); ++i) {
      *fields[i] = std::string_view(text.data() + offsets[i], fields[i]->size());
    }
  }
};

Analyzer::Analyzer(const Rules& rules, const std::vector<std::string>& sites, VerdictSink& sink,
                   NoteHandler note)
    : m_classifier(rules), m_sink(sink), m_note(std::move(note)) {
  for (const std::string& s : sites) m_site.add(s);
  m_guessing = m_site.empty();
}

Analyzer::~Analyzer() = default;

void Analyzer::add(const Hit& hit) {
  if (m_guessing && !hit.host.empty()) m_guessing = false; // the log names the site on every line
  if (!m_guessing) {
    analyze(hit);
    return;
  }
  m_held.push_back(std::make_unique<HeldHit>(hit));
  if (!hit.referer.empty() && !hit.user_agent.empty()) {
    const ReferrerInfo ref = m_classifier.referrer(hit.referer);
    const Rule* ua = m_classifier.agent(hit.user_agent);
    const bool human = !ua || (static_cast<AgentKind>(ua->kind) != AgentKind::bot &&
                               static_cast<AgentKind>(ua->kind) != AgentKind::preview);
    if (human && !ref.host.empty() && ref.host.find(':') == std::string_view::npos && !ref.rule) {
      m_guess.count(ref.host);
    }
  }
  if (m_guess.total() >= k_guess_referred || m_held.size() >= k_guess_max_held) guess_site();
}

void Analyzer::finish() {
  if (m_guessing) guess_site();
}

void Analyzer::guess_site() {
  m_guessing = false;
  const auto [host, count] = m_guess.best();
  if (!host.empty()) {
    m_site.add(host);
    m_note(fmt::format("site host not given: taking '{}' (the referrer of {} of {} referred hits); "
                       "use --site HOST to set it",
                       util::escape_for_terminal(host), count, m_guess.total()));
  } else if (!m_held.empty()) {
    m_note("site host not given and no referrers to guess it from: every referrer counts as external; "
           "use --site HOST to set it");
  }
  auto held = std::move(m_held);
  for (const auto& h : held) analyze(h->hit);
}

void Analyzer::analyze(const Hit& hit) {
  Verdict& v = m_verdict;
  m_classifier.classify(hit, v);
  if (v.cls == HitClass::preview) {
    if (hit.request_valid && hit.time != Hit::k_no_time) m_previews.record(hit.path, hit.time, v.rules[0]);
  }
  if (v.cls != HitClass::page_view) {
    m_sink.add(hit, v);
    return;
  }

  const ReferrerInfo ref = m_classifier.referrer(hit.referer);
  const bool internal = !ref.host.empty() && m_site.is_internal(ref.host, hit.host);
  const Rule* tag = m_classifier.rules().match_query(hit.query);
  // Social click ids (fbclid) count only with a referrer: without one the
  // arrival is judged on the rest (doc/RULES.md).
  if (tag && static_cast<TagKind>(tag->kind) == TagKind::social && ref.host.empty()) tag = nullptr;

  Sessions::Visitor& visitor =
      m_sessions.visitor(visitor_key(hit.client, hit.forwarded_for, hit.user_agent));
  const bool external = !ref.host.empty() && !internal;
  // Without timestamps, a visit is everything a visitor does.
  const bool continues = hit.time == Hit::k_no_time ? visitor.seen : Sessions::continues(visitor, hit.time);
  const bool new_visit = !continues || external || tag != nullptr;
  v.returning = visitor.seen;
  if (hit.time != Hit::k_no_time) visitor.last_page_view = hit.time;
  visitor.seen = true;
  if (!new_visit) {
    v.add_reason("visit.continues");
    m_sink.add(hit, v);
    return;
  }
  v.visit_start = true;
  arrival(hit, ref, internal, tag, v);
  if (v.evidence) v.weight = m_classifier.rules().weight(*v.evidence);
  m_sink.add(hit, v);
}

// The channel of an arrival, in the order of doc/CLASSIFIER.md.
void Analyzer::arrival(const Hit& hit, const ReferrerInfo& ref, bool internal, const Rule* tag, Verdict& v) {
  const Rule* ua = hit.user_agent.empty() ? nullptr : m_classifier.agent(hit.user_agent);
  const auto ua_kind = ua ? static_cast<AgentKind>(ua->kind) : AgentKind::browser;
  const Rule* pkg = hit.requested_with.empty() ? nullptr : m_classifier.package(hit.requested_with);
  const auto pkg_kind = pkg ? static_cast<PackageKind>(pkg->kind) : PackageKind::browser;
  const auto tag_kind = tag ? static_cast<TagKind>(tag->kind) : TagKind::none;
  auto decide = [&](Channel channel, std::optional<Evidence> evidence, const Rule* rule, std::string_view id) {
    v.channel = channel;
    v.evidence = evidence;
    v.add_reason(id, rule);
    if (v.app.empty() && rule && channel == Channel::dark_social) v.app = rule->app;
  };

  if (tag_kind == TagKind::dark_social) return decide(Channel::dark_social, Evidence::tagged_private, tag, tag->id);
  if (ua_kind == AgentKind::messaging) return decide(Channel::dark_social, Evidence::inapp_messaging, ua, ua->id);
  if (pkg_kind == PackageKind::messaging) return decide(Channel::dark_social, Evidence::inapp_messaging, pkg, pkg->id);
  if (pkg_kind == PackageKind::mail) return decide(Channel::dark_social, Evidence::mail, pkg, pkg->id);

  if (!ref.host.empty()) {
    if (internal) return decide(Channel::internal, std::nullopt, nullptr, "ref.internal");
    const auto ref_kind = ref.rule ? static_cast<ReferrerKind>(ref.rule->kind) : ReferrerKind::other;
    if (ref_kind == ReferrerKind::mail || ref_kind == ReferrerKind::messaging) {
      return decide(Channel::dark_social, Evidence::mail, ref.rule, ref.rule->id);
    }
    if (tag_kind == TagKind::campaign) return decide(Channel::campaign, std::nullopt, tag, tag->id);
    if (tag_kind == TagKind::social) return decide(Channel::social, std::nullopt, tag, tag->id);
    if (ref_kind == ReferrerKind::social) return decide(Channel::social, std::nullopt, ref.rule, ref.rule->id);
    if (ref_kind == ReferrerKind::search) return decide(Channel::search, std::nullopt, ref.rule, ref.rule->id);
    return decide(Channel::referral, std::nullopt, nullptr, "ref.other");
  }

  // No referrer.
  if (tag_kind == TagKind::campaign) return decide(Channel::campaign, std::nullopt, tag, tag->id);
  if (ua_kind == AgentKind::social || pkg_kind == PackageKind::social) {
    const Rule* app_rule = ua_kind == AgentKind::social ? ua : pkg;
    decide(Channel::dark_social, Evidence::inapp_social_noref, app_rule, app_rule->id);
    v.add_reason("ref.none");
    return;
  }
  if (m_classifier.rules().is_landing(hit.path)) {
    return decide(Channel::direct, Evidence::direct_landing, nullptr, "ref.none.landing");
  }
  if (const Rule* preview = hit.time == Hit::k_no_time ? nullptr : m_previews.before(hit.path, hit.time)) {
    decide(Channel::dark_social, Evidence::direct_deep_after_preview, nullptr, "ref.none.deep");
    v.add_reason(preview->id, preview);
    if (v.app.empty()) v.app = preview->app;
    return;
  }
  decide(Channel::dark_social, v.returning ? Evidence::direct_deep_returning : Evidence::direct_deep_new, nullptr,
         "ref.none.deep");
  v.add_reason(v.returning ? "visitor.returning" : "visitor.new");
}

} // namespace darkscan
