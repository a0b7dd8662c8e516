#pragma once

#include "temp_dir.hpp"

#include <darkscan/classify/rules.hpp>

#include <string>

namespace darkscan::test {

// A small, complete rules directory written for tests, so that tests of the
// mechanics do not depend on the content of the shipped rules/.
inline void write_rules(const TempDir& dir, const std::string& sub = "") {
  const std::string p = sub.empty() ? "" : sub + "/";
  dir.write(p + "agents.rules", R"(# test agents
ua.preview.imessage   preview    imessage   facebookexternalhit/1\.1 Facebot Twitterbot/1\.0
ua.preview.whatsapp   preview    whatsapp   ^WhatsApp/
ua.preview.facebook   preview-mixed facebook facebookexternalhit
ua.preview.linkedin   preview-public linkedin LinkedInBot/
ua.bot.generic        bot        -          (?i)bot\b|crawler|spider
ua.bot.curl           bot        -          ^curl/
ua.inapp.messenger    messaging  messenger  \bFB_IAB/MESSENGER
ua.inapp.facebook     social     facebook   \bFBAN/|\bFB_IAB/
ua.inapp.gsa          app        google     \bGSA/
ua.inapp.outlook      mail       outlook    Outlook-iOS-Android/
)");
  dir.write(p + "referrers.rules", R"(# test referrers
ref.mail.gmail        mail       gmail      ^mail\.google\.com$
ref.mail.gmail-app    mail       gmail      ^android-app:com\.google\.android\.gm$
ref.messaging.wa      messaging  whatsapp   ^web\.whatsapp\.com$
ref.social.facebook   social     facebook   (^|\.)facebook\.com$
ref.search.google     search     google     ^(www\.)?google\.[a-z.]+$
)");
  dir.write(p + "params.rules", R"(# test params
tag.broadcast.medium  broadcast   -         utm_medium  (?i)^channel$
tag.private.whatsapp  dark_social whatsapp  utm_source  (?i)^whatsapp$
tag.private.fb-dm     dark_social facebook  utm_source  (?i)^fb_dm$
tag.social.fbclid     social      facebook  fbclid      *
tag.campaign.utm      campaign    -         utm_source  *
)");
  dir.write(p + "xrw.rules", R"(xrw.messaging.telegram messaging telegram ^org\.telegram\.messenger$
xrw.browser.chrome    browser    -          ^com\.android\.chrome$
xrw.mail.gmail        mail       gmail      ^com\.google\.android\.gm$
)");
  dir.write(p + "landing.rules", "^/$\n^/index\\.html$\n^/[a-z]{2}/$\n");
  dir.write(p + "content.rules", "p\nid\n");
  dir.write(p + "assets.rules", "ext css js png jpg webp ico woff2\npath ^/static/\n");
  dir.write(p + "weights.rules", R"(inapp_messaging 1.0
tagged_private 1.0
mail 0.9
inapp_social_noref 0.6
direct_deep_after_preview 1.0
direct_deep_after_mixed_preview 0.7
direct_deep_after_preview_late 0.75
direct_deep_new 0.8
direct_deep_returning 0.4
direct_landing 0
)");
}

} // namespace darkscan::test
