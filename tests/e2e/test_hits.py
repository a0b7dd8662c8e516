#!/usr/bin/env python3
"""End-to-end tests of `darkscan --hits`, the per-hit verdicts (Python 3 stdlib only).

    python3 tests/e2e/test_hits.py [-v] [GoldenTest|ScriptedEventsTest|RecordsTest]

Environment:
    DARKSCAN       the binary (default: build/darkscan under the repo root)
    DARKSCAN_ROOT  the repo root (default: two levels above this script)
    DARKSCAN_UPDATE_GOLDEN=1  rewrite tests/data/hits/*.ndjson from the binary. Then review every
                   change with `git diff tests/data/hits` against doc/CLASSIFIER.md before committing:
                   the golden files are only worth what that review is worth.

GoldenTest compares `darkscan -q --hits --site www.example.com -- samples/<sample>.log` record by
record with tests/data/hits/<sample>.ndjson. The golden files were made by the binary and then checked,
by hand and by a script, against doc/CLASSIFIER.md and the scripted events of samples/README.md.
ScriptedEventsTest checks the scripted events directly.
"""

import collections
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import harness

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or "build/darkscan"
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
GOLDEN_DIR = os.path.join(ROOT, "tests", "data", "hits")
RULES_DIR = os.path.join(ROOT, "rules")
SITE = "www.example.com"

# sample -> its preset; the golden file is tests/data/hits/<name without .log>.ndjson
GOLDEN_SAMPLES = {"combined.log": "combined", "vcombined.log": "vcombined",
                  "combined-xff.log": "combined-xff"}

FIELDS = ["file", "line", "time", "path", "class", "visit_start", "channel", "weight", "evidence", "app",
          "reasons", "visitor"]
CLASSES = {"page_view", "asset", "preview", "bot", "invalid"}
CHANNELS = {"dark_social", "direct", "search", "social", "campaign", "referral", "internal", "unknown"}
REASON_RE = re.compile(r"^[a-z]+(\.[a-z0-9_-]+)+$")
# reasons that are checks in the code, not rules in rules/ (doc/CLASSIFIER.md)
CHECKS = {"ua.empty", "req.invalid", "req.absolute", "req.method", "status.not_ok", "path.asset", "ref.internal",
          "ref.other", "ref.none", "ref.none.landing", "ref.none.deep", "visit.continues",
          "visitor.new", "visitor.returning", "visit.reload", "ref.unlogged"}
WEIGHTS = {"inapp_messaging": 1.0, "tagged_private": 1.0, "mail": 0.9, "inapp_social_noref": 0.4,
           "direct_deep_after_preview": 0.9, "direct_deep_after_preview_late": 0.75,
           "direct_deep_after_mixed_preview": 0.7, "direct_deep_new": 0.8, "direct_deep_returning": 0.4}

QUOTED = r'"((?:[^"\\]|\\.)*)"'
CLF = r'(?P<client>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}) (?:\d+|-)'
LINE_RES = {  # the presets, written independently of darkscan
    "combined": re.compile(r'^' + CLF + r' "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)"$'),
    "vcombined": re.compile(r'^\S+ ' + CLF
                            + r' "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)"$'),
    "combined-xff": re.compile(r'^' + CLF + r' "(?P<referer>(?:[^"\\]|\\.)*)" '
                               r'"(?P<ua>(?:[^"\\]|\\.)*)" "(?P<xff>(?:[^"\\]|\\.)*)"$'),
}


def run(*args):
    """Runs darkscan from the repo root (so that `file` is samples/...); returns the process."""
    return subprocess.run([BIN, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, cwd=ROOT, timeout=120, env=dict(os.environ, TZ="UTC"))


def hits(name, *extra):
    """The NDJSON records of `darkscan --hits` on samples/<name> (a path relative to the repo)."""
    p = run("-q", "--hits", "--salt", "golden", "--site", SITE, *extra, "--", "samples/" + name)
    if p.returncode != 0:
        raise AssertionError("darkscan failed (%d): %s" % (p.returncode, p.stderr.decode()))
    return [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]


def golden_path(name):
    return os.path.join(GOLDEN_DIR, name[:-len(".log")] + ".ndjson")


def read_golden(name):
    with open(golden_path(name), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def log_lines(name):
    """{line number: match with client, time, request, status, referer, ua} of a sample."""
    with open(os.path.join(ROOT, "samples", name), "rb") as f:
        data = f.read()
    out = {}
    for number, raw in enumerate(data.split(b"\n"), 1):
        if raw:
            m = LINE_RES[GOLDEN_SAMPLES[name]].match(raw.decode("latin-1"))
            assert m, (name, number)
            out[number] = m
    return out


def utc(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def tsv_unescape(field):
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "\\": "\\"}.get(m.group(1), m.group(0)),
                  field)


def describe(record):
    return json.dumps(record, sort_keys=False) if record is not None else "(no record)"


class GoldenTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if os.environ.get("DARKSCAN_UPDATE_GOLDEN") == "1":
            os.makedirs(GOLDEN_DIR, exist_ok=True)
            for name in GOLDEN_SAMPLES:
                with open(golden_path(name), "w", encoding="utf-8") as f:
                    for r in hits(name):
                        f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")

    def test_golden_files_match(self):
        for name in GOLDEN_SAMPLES:
            with self.subTest(name):
                got = hits(name)
                expected = read_golden(name)
                # every line is in the golden file, once, in order
                self.assertEqual([r["line"] for r in got], [r["line"] for r in expected])
                by_line = {r["line"]: r for r in got}
                for want in expected:
                    have = by_line.get(want["line"])
                    if have != want:
                        fields = [k for k in FIELDS if (have or {}).get(k) != want.get(k)]
                        self.fail("samples/%s line %d differs from %s (fields %s)\n  expected: %s\n"
                                  "  got:      %s" % (name, want["line"], golden_path(name),
                                                      ", ".join(fields), describe(want),
                                                      describe(have)))
                # the record fields, in order, and nothing else
                for r in got:
                    self.assertEqual(list(r), FIELDS, r["line"])

    def test_golden_files_are_consistent(self):
        """The golden files themselves follow doc/CLASSIFIER.md's invariants (a check of the
        review, independent of the binary)."""
        for name in GOLDEN_SAMPLES:
            with self.subTest(name):
                for r in read_golden(name):
                    self.assertEqual(r["file"], "samples/" + name)
                    self.assertIn(r["class"], CLASSES)
                    self.assertTrue(r["reasons"])
                    if r["class"] != "page_view" or not r["visit_start"]:
                        self.assertEqual((r["channel"], r["weight"]), (None, 0), r["line"])
                    else:
                        self.assertIn(r["channel"], CHANNELS, r["line"])
                    if r["channel"] not in (None, "dark_social"):
                        self.assertEqual(r["weight"], 0, r["line"])
                    if r["channel"] == "dark_social":
                        self.assertIn(r["weight"], set(WEIGHTS.values()), r["line"])


class ScriptedEventsTest(unittest.TestCase):
    """The scripted events of samples/README.md, checked on the binary's records against the log
    lines (not against the golden files)."""

    @classmethod
    def setUpClass(cls):
        cls.records = {name: hits(name) for name in GOLDEN_SAMPLES}
        cls.lines = {name: log_lines(name) for name in GOLDEN_SAMPLES}

    def each(self, predicate):
        """(name, record, log line) for the records whose log line satisfies predicate."""
        for name in GOLDEN_SAMPLES:
            for r in self.records[name]:
                m = self.lines[name][r["line"]]
                if predicate(m, r):
                    yield name, r, m

    def test_whatsapp_cascades(self):
        for name in GOLDEN_SAMPLES:
            with self.subTest(name):
                recs = self.records[name]
                cascades = [r for r in recs if r["class"] == "preview" and r["app"] == "whatsapp"
                            and r["reasons"] == ["ua.preview.whatsapp"]
                            and not r["path"].startswith("/media/")]
                self.assertEqual(len(cascades), 3)
                after_preview = 0
                for preview in cascades:
                    # the arrivals on the same page until its next preview, within ten minutes
                    later = [r for r in recs if r["line"] > preview["line"]]
                    arrivals = []
                    for r in later:
                        if r["class"] == "preview" and r["path"] == preview["path"]:
                            break
                        if (r["visit_start"] and r["path"] == preview["path"]
                                and utc(r["time"]) - utc(preview["time"]) <= datetime.timedelta(minutes=10)):
                            arrivals.append(r)
                    self.assertGreaterEqual(len(arrivals), 2, preview["line"])
                    for r in arrivals:
                        self.assertEqual((r["channel"], r["app"]), ("dark_social", "whatsapp"),
                                         r["line"])
                        self.assertIn(r["reasons"], (["ref.none.deep", "ua.preview.whatsapp"],
                                                     ["ua.inapp.whatsapp"],
                                                     ["tag.private.whatsapp"]), r["line"])
                        ua = self.lines[name][r["line"]]["ua"]
                        if r["reasons"] == ["ua.inapp.whatsapp"]:
                            self.assertRegex(ua, r"\[WA(iOS|4A)/")
                        elif r["reasons"] == ["tag.private.whatsapp"]:
                            self.assertIn("utm_source=whatsapp",
                                          self.lines[name][r["line"]]["request"])
                        else:
                            after_preview += 1
                            self.assertIn(r["evidence"], ("direct_deep_after_preview",
                                                          "direct_deep_after_preview_late"), r["line"])
                            self.assertEqual(r["weight"], WEIGHTS[r["evidence"]])
                self.assertGreaterEqual(after_preview, 5)

    def test_messaging_in_app_arrivals(self):
        apps = [("messenger", r"FB_IAB/MESSENGER|FBAN/MessengerForiOS|Orca-Android"),
                ("wechat", r"MicroMessenger/"), ("line", r"\bLine/\d"),
                ("telegram", r"Telegram-Android/"), ("whatsapp", r"\[WA(iOS|4A)/")]
        seen = collections.Counter()
        for app, token in apps:
            for name, r, m in self.each(lambda m, r: r["visit_start"] and re.search(token, m["ua"])):
                with self.subTest(name=name, line=r["line"]):
                    seen[app] += 1
                    # a tag naming a private channel comes first (rule 1), then the in-app browser
                    reason = ("tag.private." + app if "utm_source=" + app in m["request"]
                              else "ua.inapp." + app)
                    self.assertEqual((r["channel"], r["app"], r["reasons"], r["weight"]),
                                     ("dark_social", app, [reason], WEIGHTS["inapp_messaging"]))
        for app in ("messenger", "wechat", "line"):
            self.assertGreaterEqual(seen[app], 3, app)  # at least one in each sample

    def test_mail_referrers(self):
        refs = {"https://mail.google.com/": "ref.mail.gmail",
                "android-app://com.google.android.gm/": "ref.mail.gmail-app",
                "https://outlook.live.com/": "ref.mail.outlook"}
        n = 0
        for name, r, m in self.each(lambda m, r: r["visit_start"] and m["referer"] in refs
                                    and "utm_source=newsletter" not in m["request"]):
            with self.subTest(name=name, line=r["line"]):
                n += 1
                self.assertEqual((r["channel"], r["reasons"], r["weight"]),
                                 ("dark_social", [refs[m["referer"]]], WEIGHTS["mail"]))
                self.assertEqual(r["app"], "outlook" if "outlook" in m["referer"] else "gmail")
        self.assertGreaterEqual(n, 6)

    def test_search_and_social_referrers(self):
        n = collections.Counter()
        for name, r, m in self.each(lambda m, r: r["visit_start"] and m["referer"] != "-"):
            host = re.match(r"^[a-z-]+://([^/:]+)", m["referer"]).group(1)
            with self.subTest(name=name, line=r["line"], host=host):
                if re.match(r"^(www\.)?google\.[a-z.]+$|^com\.google\.android\.googlequicksearchbox$",
                            host):
                    n["google"] += 1
                    self.assertEqual(r["channel"], "search")
                    self.assertRegex(r["reasons"][0], r"^ref\.search\.google")
                elif host == "t.co":
                    n["t.co"] += 1
                    self.assertEqual((r["channel"], r["reasons"]), ("social", ["ref.social.twitter"]))
                elif host in ("www.bing.com", "duckduckgo.com"):
                    n["search"] += 1
                    self.assertEqual(r["channel"], "search")
                elif host in ("l.facebook.com", "m.facebook.com") and "fbclid=" in m["request"]:
                    n["fbclid"] += 1
                    self.assertEqual((r["channel"], r["reasons"]), ("social", ["tag.social.fbclid"]))
                elif host == "www.example.com":
                    n["internal"] += 1
                    self.assertEqual((r["channel"], r["reasons"]), ("internal", ["ref.internal"]))
        for key in ("google", "t.co", "search", "fbclid", "internal"):
            self.assertGreaterEqual(n[key], 3, key)

    def test_newsletter_without_referrer_is_campaign(self):
        found = list(self.each(lambda m, r: r["visit_start"] and m["referer"] == "-"
                               and "utm_source=newsletter" in m["request"]))
        self.assertTrue(found)
        for name, r, m in found:
            self.assertEqual((r["channel"], r["weight"], r["reasons"]),
                             ("campaign", 0, ["tag.campaign.utm_source"]), (name, r["line"]))

    def test_newsletter_clicks_are_visits_on_their_page(self):
        found = list(self.each(lambda m, r: "utm_source=newsletter" in m["request"]
                               and r["class"] == "page_view"))
        self.assertEqual(len(found), 2 + 4 + 2)  # README: newsletter clicks in each sample
        for name, r, m in found:
            self.assertTrue(r["visit_start"], (name, r["line"]))  # a campaign tag starts a visit
            self.assertEqual(r["path"], m["request"].split(" ")[1].split("?")[0])

    def test_newsletter_clicks_from_webmail_are_campaign(self):
        # The site's own newsletter is campaign traffic whatever the mail client (campaign tags
        # are tried before mail referrers, doc/CLASSIFIER.md); it was once counted as dark social.
        for name, r, m in self.each(lambda m, r: r["visit_start"]
                                    and "utm_source=newsletter" in m["request"]):
            self.assertEqual((r["channel"], r["weight"]), ("campaign", 0), (name, r["line"]))

    def test_bots(self):
        tokens = r"Googlebot|bingbot|AhrefsBot|UptimeRobot|^curl/|python-requests"
        found = list(self.each(lambda m, r: re.search(tokens, m["ua"])))
        self.assertGreater(len(found), 30)
        for name, r, m in found:
            self.assertEqual(r["class"], "bot", (name, r["line"]))
            self.assertRegex(r["reasons"][0], r"^ua\.bot\.")
            self.assertFalse(r["visit_start"])

    def test_previews(self):
        fetchers = {"WhatsApp/2.23": "whatsapp", "TelegramBot": "telegram",
                    "Slackbot-LinkExpanding": "slack", "Facebot Twitterbot/1.0": "imessage",
                    "Discordbot": "discord", "SkypeUriPreview": "teams", "line-poker": "line",
                    "LinkedInBot": "linkedin", "facebookexternalhit/1.1 (": "facebook"}
        n = 0
        for name, r, m in self.each(lambda m, r: True):
            app = [a for token, a in fetchers.items() if token in m["ua"]]
            if m["ua"] == "WhatsApp/2":
                app = ["signal"]
            elif m["ua"] == "Twitterbot/1.0":
                app = ["twitter"]
            if app:
                n += 1
                self.assertEqual((r["class"], r["app"], r["reasons"]),
                                 ("preview", app[0], ["ua.preview." + app[0]]), (name, r["line"]))
        self.assertEqual(n, 3 * 23)

    def test_assets(self):
        for name, r, m in self.each(lambda m, r: True):
            request = m["request"].split(" ")
            if len(request) < 2 or r["class"] in ("bot", "preview"):
                continue
            with self.subTest(name=name, line=r["line"]):
                status = int(m["status"])
                if request[0] != "GET":
                    self.assertEqual((r["class"], r["reasons"]), ("asset", ["req.method"]))
                elif not (200 <= status < 300 or status == 304):
                    self.assertEqual((r["class"], r["reasons"]), ("asset", ["status.not_ok"]))
                elif re.match(r"^/(static|media)/|^/favicon\.ico|^/admin(/|$)", request[1]):
                    self.assertEqual((r["class"], r["reasons"]), ("asset", ["path.asset"]))
                else:
                    self.assertEqual(r["class"], "page_view")

    def test_invalid_requests_are_not_visits(self):
        found = list(self.each(lambda m, r: r["path"] is None))
        self.assertEqual(len(found), 6)  # the TLS handshake and the "-" 408 of each sample
        for name, r, m in found:
            self.assertEqual((r["visit_start"], r["channel"], r["weight"], r["app"]),
                             (False, None, 0, None), (name, r["line"]))
            self.assertEqual(r["class"], "invalid")

    def test_invalid_requests_are_their_own_class_with_req_invalid(self):
        # TLS handshakes and "-" requests have reason req.invalid (checked before the user agent,
        # doc/CLASSIFIER.md; they were once bots by ua.empty, their user agent being "-"), and a
        # class of their own: they were counted in invalid_requests and again in assets.
        for name, r, m in self.each(lambda m, r: r["path"] is None):
            self.assertEqual((r["class"], r["reasons"]), ("invalid", ["req.invalid"]),
                             (name, r["line"]))


CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")


def records_and_report(test, lines, *extra):
    """The --hits records and the JSON report of a log of `lines` ("UA" in them is CHROME)."""
    d = tempfile.mkdtemp(prefix="darkscan-hits-")
    test.addCleanup(shutil.rmtree, d, True)
    path = os.path.join(d, "access.log")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(line.replace('"UA"', '"%s"' % CHROME) + "\n" for line in lines)
    p = run("-q", "--hits", *extra, path)
    test.assertEqual(p.returncode, 0, p.stderr)
    report = run("-q", "-F", "json", *extra, path)
    test.assertEqual(report.returncode, 0, report.stderr)
    return [json.loads(r) for r in p.stdout.decode().splitlines()], json.loads(report.stdout)


class OwnClientsTest(unittest.TestCase):
    """Mail and chat apps' own clients fetch a link; the reader's browser follows (an analyst's review,
    2026-12-07: Outlook's engine, Outlook for Mac and Skype for Business were arrivals at 0.8, and the
    click a second arrival; Outlook for iOS's API client one more)."""

    def test_a_mail_or_chat_clients_fetch_is_a_preview_and_the_click_one_visit(self):
        line = '203.0.113.%d - - [20/Nov/2026:%02d:00:%02d +0000] "GET /articles/%s HTTP/1.1" 200 5120 "-" "%s"'
        clients = [
            ("budget", "office", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Trident/6.0; "
                                 "Microsoft Outlook 15.0.4420)"),
            ("pension", "office", "MacOutlook/15.27.0.161010 (Intelx64 Mac OS X Version 10.11.6 (Build 15G1108))"),
            ("loans", "teams", "OC/15.0.5071.1000 (Skype for Business)"),
        ]
        lines = []
        for i, (page, _, agent) in enumerate(clients):
            lines += [line % (7 + i, 8 + i, 0, page, agent), line % (7 + i, 8 + i, 1, page, "UA")]
        lines.append(line % (20, 12, 0, "rent", "Outlook-iOS/665.29827.prod.iphone (2.63.0)"))
        records, report = records_and_report(self, lines, "--site", "example.com")
        for i, (page, app, _) in enumerate(clients):
            fetch, click = records[2 * i], records[2 * i + 1]
            self.assertEqual((fetch["class"], fetch["app"]), ("preview", app), page)
            self.assertEqual((click["class"], click["evidence"]), ("page_view", "direct_deep_after_preview"), page)
        self.assertEqual(records[-1]["reasons"], ["ua.bot.outlook-ios-api"])
        self.assertEqual(report["summary"]["visits"], 3)
        self.assertEqual(report["summary"]["bots"], 1)


class MessengerBrowserTest(unittest.TestCase):
    def test_a_referrer_of_search_or_another_site_decides_in_a_messengers_browser(self):
        # A chat shared another page (a thread, a search), whose link the reader followed here in the
        # messenger's browser (an analyst's review, 2026-12-07: all three were private shares at 1.0).
        # Facebook's link shim, the messenger's own pages (t.me in Telegram's browser) and no referrer
        # stay the messenger's.
        orca = ("Mozilla/5.0 (Linux; Android 9; SM-G960F Build/PPR1.180610.011; wv) AppleWebKit/537.36 (KHTML, "
                "like Gecko) Version/4.0 Chrome/74.0.3729.157 Mobile Safari/537.36 [FBAN/Orca-Android;FBAV/210.0.0.15.120;]")
        line = '198.51.100.%d - - [20/Nov/2026:08:%02d:00 +0000] "GET /articles/budget HTTP/1.1" 200 5120 "%s" "%s"'
        cases = [("https://news.ycombinator.com/", "social"), ("https://www.google.com/", "search"),
                 ("https://blog.example.org/post/12", "referral"),
                 ("https://l.facebook.com/", "dark_social"), ("-", "dark_social")]
        telegram = ("Mozilla/5.0 (Linux; Android 9; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.7204.180 "
                    "Safari/537.36 Telegram-Android/12.3.1 (Xiaomi 2304FPN6DG; Android 9; SDK 28; AVERAGE)")
        lines = [line % (i + 1, 10 * i, ref, orca) for i, (ref, _) in enumerate(cases)]
        lines += [line % (9, 50, "https://t.me/", telegram), line % (10, 51, "https://t.me/", orca)]
        records, _ = records_and_report(self, lines, "--site", "example.com")
        self.assertEqual([r["channel"] for r in records],
                         [channel for _, channel in cases] + ["dark_social", "social"])
        self.assertEqual([r["evidence"] for r in records[3:6]], ["inapp_messaging"] * 3)


class BlankReferrerTest(unittest.TestCase):
    def test_about_blank_is_no_referrer(self):
        # A new tab or a window a script opened names no page (an analyst's review, 2026-12-07: it was
        # an external site's referral, weight 0).
        line = '198.51.100.31 - - [20/Nov/2026:08:00:00 +0000] "GET /articles/b HTTP/1.1" 200 900 "%s" "UA"'
        blank, dash = (records_and_report(self, [line % ref], "--site", "example.com")[0][0]
                       for ref in ("about:blank", "-"))
        self.assertEqual((blank["channel"], blank["evidence"]), ("dark_social", "direct_deep_new"))
        same = lambda r: {k: v for k, v in r.items() if k not in ("visitor", "file")}
        self.assertEqual(same(blank), same(dash))


class AbsoluteFormTest(unittest.TestCase):
    """A request line with a whole URL is what a client sends a forward proxy (RFC 9112, 3.2.2):
    proxy checkers send them to any server, and they were dark-social arrivals at 0.8 until 2026-12-07."""

    def records(self, lines, *extra):
        return records_and_report(self, lines, *extra)

    def test_a_whole_url_for_another_host_is_a_bot(self):
        t = '[20/Nov/2026:08:0%d:00 +0000]'
        records, report = self.records([
            '203.0.113.9 - - %s "GET http://azenv.net/azenv.php HTTP/1.1" 200 512 "-" "UA"' % (t % 0),
            '203.0.113.9 - - %s "GET https://u@AZENV.net:443/judge?x=1 HTTP/1.1" 200 512 "-" "UA"' % (t % 1),
            '198.51.100.7 - - %s "GET /news/a-1 HTTP/1.1" 200 512 "-" "UA"' % (t % 2),
        ], "--site", SITE)
        self.assertEqual([(r["class"], r["reasons"]) for r in records[:2]], [("bot", ["req.absolute"])] * 2)
        self.assertEqual(records[2]["class"], "page_view")
        self.assertEqual([p["path"] for p in report["pages"]], ["/news/a-1"])
        self.assertEqual(report["summary"]["bots"], 2)

    def test_a_whole_url_naming_the_logged_host_is_the_sites_page(self):
        # A vhost log says which host answered: a whole URL that names it is that page (a CDN or an
        # old proxy may pass one on); another host is still a probe.
        t = '[20/Nov/2026:08:0%d:00 +0000]'
        records, report = self.records([
            'www.example.com:443 198.51.100.8 - - %s "GET http://WWW.example.com:80/news/b HTTP/1.1" 200 1 "-" "UA"'
            % (t % 0),
            'www.example.com:443 203.0.113.9 - - %s "GET http://azenv.net/azenv.php HTTP/1.1" 200 1 "-" "UA"'
            % (t % 1),
        ])
        self.assertEqual([(r["class"], r["path"]) for r in records],
                         [("page_view", "/news/b"), ("bot", "/azenv.php")])
        self.assertEqual([p["path"] for p in report["pages"]], ["/news/b"])


class RecordsTest(unittest.TestCase):
    """Properties of the records of every sample, golden or not."""

    ALL = [("combined.log", []), ("vcombined.log", []), ("combined-xff.log", []),
           ("common.log", []), ("broken.log", []), ("combined.log.gz", []),
           ("rotated-multimember.log.gz", []),
           ("nginx-custom.log", ["-f", "@nginx-custom.format"]),
           ("apache-custom.log", ["-f", "@apache-custom.format"])]

    def sample_args(self, extra):
        out = []
        for a in extra:
            if a.startswith("@"):
                with open(os.path.join(ROOT, "samples", a[1:]), encoding="utf-8") as f:
                    a = f.read().strip("\n")
            out.append(a)
        return out

    def test_every_record_has_a_reason(self):
        for name, extra in self.ALL:
            with self.subTest(name):
                recs = hits(name, *self.sample_args(extra))
                self.assertGreater(len(recs), 10)
                for r in recs:
                    self.assertEqual(list(r), FIELDS)
                    self.assertIsInstance(r["reasons"], list)
                    self.assertTrue(r["reasons"], "no reason: %s line %d" % (name, r["line"]))
                    for reason in r["reasons"]:
                        self.assertRegex(reason, REASON_RE)
                    self.assertIn(r["class"], CLASSES)

    def test_explain_adds_rules_with_origins(self):
        checked = 0
        fetches = 0
        for name, extra in self.ALL:
            with self.subTest(name):
                args = self.sample_args(extra)
                plain = hits(name, *args)
                explained = hits(name, "--explain", *args)
                self.assertEqual(len(explained), len(plain))
                by_line = {(p["file"], p["line"]): p for p in plain}
                for r, p in zip(explained, plain):
                    rules = r.pop("rules")
                    fetch = r.pop("preview_fetch", None)
                    self.assertEqual(r, p)  # --explain only adds `rules` and `preview_fetch`
                    # An arrival after a preview cites the fetch: a preview of the same page, at most
                    # 48 hours before, by the fetcher its reasons name.
                    after_preview = r["evidence"] in ("direct_deep_after_preview",
                                                      "direct_deep_after_preview_late") or (
                        "ref.none.deep" in r["reasons"] and any(x.startswith("ua.preview.") for x in r["reasons"]))
                    self.assertEqual(fetch is not None, after_preview, (name, r["line"]))
                    if fetch:
                        self.assertEqual(list(fetch), ["file", "line", "time"])
                        fetched = by_line[(fetch["file"], fetch["line"])]
                        self.assertEqual(fetched["class"], "preview", fetch)
                        self.assertEqual(fetched["path"], r["path"], fetch)
                        self.assertEqual(fetched["time"], fetch["time"])
                        self.assertIn(fetched["reasons"][0], r["reasons"], fetch)
                        age = utc(r["time"]) - utc(fetch["time"])
                        self.assertTrue(datetime.timedelta(0) <= age <= datetime.timedelta(hours=48), fetch)
                        # Within the hour a click follows the fetch soon; later it is a late one.
                        if r["evidence"] == "direct_deep_after_preview":
                            self.assertLessEqual(age, datetime.timedelta(hours=1), fetch)
                        elif r["evidence"] == "direct_deep_after_preview_late":
                            self.assertGreater(age, datetime.timedelta(hours=1), fetch)
                        fetches += 1
                    ids = [x["id"] for x in rules]
                    for reason in r["reasons"]:  # every reason that is a rule is explained
                        if reason not in CHECKS:
                            self.assertIn(reason, ids, (name, r["line"]))
                    # Every decision cites its lines: the weight of its evidence, and for an arrival
                    # without referrer the landing rule that matched, or the landing files none did.
                    if r["evidence"]:
                        self.assertIn("weight." + r["evidence"], ids, (name, r["line"]))
                    if {"ref.none.deep", "ref.none.landing"} & set(r["reasons"]):
                        landing = [x for x in rules if x["id"] == "landing.none" or x["id"].startswith("landing:")]
                        self.assertEqual(len(landing), 1, (name, r["line"], ids))
                        self.assertEqual(landing[0]["id"] != "landing.none", "ref.none.landing" in r["reasons"])
                    for x in rules:
                        if x["id"] == "landing.none":
                            self.assertTrue(x["origin"].endswith("landing.rules"), x)
                            checked += 1
                            continue
                        if x["id"].startswith(("weight.", "landing:")):
                            path, _, number = x["origin"].rpartition(":")
                            with open(path, encoding="utf-8") as f:
                                line = f.read().split("\n")[int(number) - 1]
                            if x["id"].startswith("weight."):
                                self.assertEqual(line.split()[0], x["id"][len("weight."):], x)
                                self.assertEqual(" ".join(line.split()), " ".join(x["pattern"].split()), x)
                            else:
                                self.assertEqual(line.strip(), x["pattern"], x)
                            checked += 1
                            continue
                        self.assertIn(x["id"], r["reasons"])
                        path, _, number = x["origin"].rpartition(":")
                        self.assertTrue(os.path.isfile(path), x["origin"])
                        self.assertEqual(os.path.realpath(os.path.dirname(path)),
                                         os.path.realpath(RULES_DIR))
                        with open(path, encoding="utf-8") as f:
                            line = f.read().split("\n")[int(number) - 1]
                        self.assertEqual(line.split()[0], x["id"], x["origin"])
                        pattern = x["pattern"]
                        if x["id"].startswith("tag."):  # params.rules: "parameter=value pattern"
                            param, _, pattern = pattern.partition("=")
                            self.assertIn(param, line.split()[3].split("|"))  # "utm_source|mtm_source"
                        self.assertTrue(line.rstrip().endswith(pattern), (x["origin"], pattern))
                        checked += 1
        self.assertGreater(checked, 400)
        self.assertGreater(fetches, 5)

    def test_hits_tsv_has_the_same_records(self):
        for name, extra in self.ALL:
            with self.subTest(name):
                args = self.sample_args(extra)
                records = hits(name, *args)
                p = run("-q", "--hits", "--salt", "golden", "-F", "tsv", "--site", SITE, *args, "--", "samples/" + name)
                self.assertEqual(p.returncode, 0, p.stderr)
                lines = p.stdout.decode("utf-8").split("\n")
                self.assertEqual(lines[0].split("\t"), FIELDS)
                self.assertEqual(lines[-1], "")
                rows = [[tsv_unescape(f) for f in line.split("\t")] for line in lines[1:-1]]
                self.assertEqual(len(rows), len(records))
                text = lambda v: ("" if v is None else "true" if v is True else
                                  "false" if v is False else str(v))
                for row, r in zip(rows, records):
                    self.assertEqual(len(row), len(FIELDS))
                    self.assertEqual(float(row[7]), r["weight"], (name, r["line"]))
                    expected = [",".join(r[k]) if k == "reasons" else text(r[k]) for k in FIELDS]
                    self.assertEqual(row[:7] + row[8:], expected[:7] + expected[8:], (name, r["line"]))


if __name__ == "__main__":
    if not os.access(BIN, os.X_OK):
        sys.exit("darkscan binary not found: %s (set DARKSCAN)" % BIN)
    harness.main()
