// The channel of an arrival and its evidence: the rules of doc/CLASSIFIER.md section 3, in their order.
#include <darkscan/visits/analyzer.hpp>
#include <darkscan/visits/decision.hpp>

namespace darkscan {

// The channel of an arrival, in the order of doc/CLASSIFIER.md.
void Analyzer::arrival(const Hit& hit, const Prepared& p, std::string_view ref_host, bool internal,
                       Verdict& v) {
  const Rule* ua = p.ua;
  const auto ua_kind = ua ? static_cast<AgentKind>(ua->kind) : AgentKind::browser;
  const Rule* pkg = p.package;
  const auto pkg_kind = pkg ? static_cast<PackageKind>(pkg->kind) : PackageKind::browser;
  const Rule* tag = p.tag;
  const auto tag_kind = tag ? static_cast<TagKind>(tag->kind) : TagKind::none;
  auto decide = [&](Channel channel, std::optional<Evidence> evidence, const Rule* rule,
                    std::string_view id) {
    v.channel = channel;
    v.evidence = evidence;
    v.add_reason(id, rule);
    if (v.app.empty() && rule && channel == Channel::dark_social) v.app = rule->app;
  };

  // A click on one of the site's own links: the visit goes on, whatever the browser or the tag (a
  // Messenger in-app reader clicking a link after a pause is not a new private share).
  if (internal) return decide(Channel::internal, std::nullopt, nullptr, "ref.internal");
  // The site's own broadcast channel in a messenger, tagged so: one-to-many, posted by the site,
  // whichever browser opens it (bench/sim-third's publisher channels: 1,128 tagged clicks counted
  // as private shares).
  if (tag_kind == TagKind::broadcast) return decide(Channel::campaign, std::nullopt, tag, tag->id);
  const Rule* ref = ref_host.empty() ? nullptr : p.referrer;
  const auto ref_kind = ref ? static_cast<ReferrerKind>(ref->kind) : ReferrerKind::other;
  const bool messenger = v.messenger; // decide_now() worked it out for visit.unlinked
  // A private share's tag with a search engine's or a social network's referrer, outside a
  // messenger's own browser: the tagged link was clicked where the referrer says, in search results
  // that kept the tag or a post that copied it; a chat sends no such referrer ("anyone can link to a
  // URL with specific campaign parameters", Parse.ly, SIGNALS.md 1.1; a second analyst's review,
  // 2026-12-06: utm_source=whatsapp from www.google.com was a private share). In Messenger's browser
  // the referrer is Facebook's link shim and the tag stands; so it does when the tag names the
  // referrer's own network (utm_source=instagram_dm from l.instagram.com: its direct messages).
  if (tag_kind == TagKind::dark_social && !messenger &&
      (ref_kind == ReferrerKind::search || ref_kind == ReferrerKind::social) && tag->app != ref->app) {
    const Channel channel = ref_kind == ReferrerKind::search ? Channel::search : Channel::social;
    decide(channel, std::nullopt, ref, ref->id);
    v.add_reason(tag->id, tag);
    return;
  }
  if (tag_kind == TagKind::dark_social)
    return decide(Channel::dark_social, Evidence::tagged_private, tag, tag->id);
  // In a messenger's own browser, another site's referrer says where the click was made: the chat
  // shared that page (a thread, a post, a search), and the reader followed its link here (an
  // analyst's review, 2026-12-07: news.ycombinator.com in Messenger's browser was a private share at
  // 1.0). Not the messenger's own (t.me in Telegram's), nor Facebook's in Messenger's: its links pass
  // Facebook's shim (l.facebook.com).
  const Rule* inapp = ua_kind == AgentKind::messaging      ? ua
                      : pkg_kind == PackageKind::messaging ? pkg
                                                           : nullptr;
  const bool shim =
      ref && inapp && (ref->app == inapp->app || (inapp->app == "messenger" && ref->app == "facebook"));
  const bool followed =
      !ref_host.empty() && ref_kind != ReferrerKind::mail && ref_kind != ReferrerKind::messaging && !shim;
  if (inapp && !followed) return decide(Channel::dark_social, Evidence::inapp_messaging, inapp, inapp->id);
  // A messenger named by the referrer (android-app://com.whatsapp/, web.whatsapp.com): the link was
  // opened from a chat, as sure a sign as the messenger's own browser, and a campaign tag forwarded
  // in a chat is still a private share (an analyst's review, 2026-12-06: it counted as mail, or as
  // the campaign).
  if (ref_kind == ReferrerKind::messaging)
    return decide(Channel::dark_social, Evidence::inapp_messaging, ref, ref->id);
  // The site's own campaigns (a newsletter read in Gmail) are not private shares.
  if (tag_kind == TagKind::campaign) return decide(Channel::campaign, std::nullopt, tag, tag->id);
  // A mail app's browser (Outlook mobile), X-Requested-With or a webmail referrer: private, after the
  // site's newsletters: tagged (above), or untagged, many clicks within the hour (MailBursts).
  const Rule* mail = ua_kind == AgentKind::mail       ? ua
                     : pkg_kind == PackageKind::mail  ? pkg
                     : ref_kind == ReferrerKind::mail ? ref
                                                      : nullptr;
  if (mail && hit.time != Hit::k_no_time && m_mail.mailing(page_key(hit), hit.time)) {
    decide(Channel::campaign, std::nullopt, mail, mail->id);
    return v.add_reason("mail.mailing");
  }
  if (mail) return decide(Channel::dark_social, Evidence::mail, mail, mail->id);
  if (!ref_host.empty()) {
    if (tag_kind == TagKind::social) return decide(Channel::social, std::nullopt, tag, tag->id);
    if (ref_kind == ReferrerKind::social) return decide(Channel::social, std::nullopt, ref, ref->id);
    if (ref_kind == ReferrerKind::search) return decide(Channel::search, std::nullopt, ref, ref->id);
    return decide(Channel::referral, std::nullopt, nullptr, "ref.other");
  }

  // No referrer.
  if (ua_kind == AgentKind::social || pkg_kind == PackageKind::social) {
    const Rule* app_rule = ua_kind == AgentKind::social ? ua : pkg;
    decide(Channel::dark_social, Evidence::inapp_social_noref, app_rule, app_rule->id);
    v.add_reason("ref.none");
    return;
  }
  // An app's own browser (Google app, Bing, Flipboard, desktop Slack/Teams: agents.rules kind app)
  // says where the visitor came from, Discover, search or the app's feed: a channel, never a
  // private share.
  if (ua_kind == AgentKind::app || pkg_kind == PackageKind::app) {
    const Rule* app_rule = ua_kind == AgentKind::app ? ua : pkg;
    decide(Channel::referral, std::nullopt, app_rule, app_rule->id);
    v.add_reason("ref.none");
    return;
  }
  // The line does not log the referrer (Common Log Format): where the visitor came from is unknown.
  if (!hit.has_referer) return decide(Channel::unknown, std::nullopt, nullptr, "ref.unlogged");
  if (p.landing) return decide(Channel::direct, Evidence::direct_landing, nullptr, "ref.none.landing");
  const PreviewMemory::Fetch* fetch =
      hit.time == Hit::k_no_time ? nullptr : m_previews.before(page_key(hit), hit.time);
  const Rule* preview = fetch ? fetch->rule : nullptr;
  decide(Channel::dark_social, deep_evidence(preview, v.returning, fetch ? hit.time - fetch->time : 0),
         nullptr, "ref.none.deep");
  if (preview) {
    v.add_reason(preview->id, preview);
    if (v.app.empty()) v.app = preview->app;
    v.preview_file = m_previews.file_of(*fetch);
    v.preview_line = fetch->line;
    v.preview_time = fetch->time;
  } else {
    v.add_reason(v.returning ? "visitor.returning" : "visitor.new");
  }
}

} // namespace darkscan
