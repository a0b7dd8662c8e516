#!/usr/bin/env python3
"""The html report (-F html): one self-contained page whose charts are there, and in which hostile log
content (<script>, "><img onerror=...>, javascript:) is shown as text, never run. Checked with Python's
HTML parser, then in a real browser: Debian's chromium, headless, must load the page without a console
message (the page forbids scripts and external requests with a Content-Security-Policy, so any of them
would log one) and with its charts in the DOM; a screenshot is kept in DARKSCAN_ARTIFACTS.
Binary from DARKSCAN (default build/darkscan under the repo root)."""

import html.parser
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
ENV = dict(os.environ, TZ="UTC")
SAMPLE = os.path.join(ROOT, "samples", "combined.log")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

HOSTILE = [
    "/<script>alert(1)</script>",
    "/\"><img src=x onerror=alert(2)>",
    "/javascript:alert(3)",
    "/<svg onload=alert(4)>",
    "/x'><iframe src=//192.0.2.1/>",
]
# The only elements a report may hold: no script, img, iframe, link, a, object, ...
ALLOWED = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p", "section", "div",
           "svg", "g", "line", "rect", "text", "details", "summary", "table", "thead", "tbody", "tr", "th",
           "td", "footer", "span", "ul", "li", "code", "strong"}


def hostile_log(path):
    lines = []
    t = 0
    for i, target in enumerate(HOSTILE):
        for j in range(3):
            t += 1
            stamp = "20/Nov/2026:10:%02d:%02d +0000" % (t // 60, t % 60)
            ua = "Mozilla/5.0 (iPhone) <script>alert(5)</script> FBAN/FBIOS;FB_IAB/MESSENGER"
            lines.append('41.58.%d.%d - - [%s] "GET %s HTTP/1.1" 200 512 "-" "%s"'
                         % (i, j, stamp, target.replace('"', "\\x22"), ua))
        lines.append('31.13.1.%d - - [%s] "GET %s HTTP/1.1" 200 512 "-" "WhatsApp/2.23.20.0 A"'
                     % (i, stamp, target.replace('"', "\\x22")))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def render(*args, env=None):
    p = subprocess.run([BIN, "-q", "-F", "html", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env or ENV)
    if p.returncode != 0:
        raise AssertionError("darkscan exited %d: %s" % (p.returncode, p.stderr.decode()))
    return p.stdout.decode("utf-8")


class HtmlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="darkscan-html-")
        cls.hostile = os.path.join(cls.tmp, "hostile.log")
        hostile_log(cls.hostile)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def parse(self, text):
        page = Page()
        page.feed(text)
        page.close()
        return page

    def assert_inert(self, page):
        self.assertLessEqual(set(page.tags), ALLOWED, "unexpected elements")
        for name, value in page.attrs:
            self.assertFalse(name.startswith("on"), (name, value))
            self.assertNotIn(name, ("href", "src", "srcset", "action", "formaction", "xlink:href"))
            self.assertNotIn("javascript:", (value or "").lower())

    def test_sample_report_is_self_contained_with_its_charts(self):
        text = render(SAMPLE, os.path.join(ROOT, "samples", "combined.log.gz"))
        page = self.parse(text)
        self.assert_inert(page)
        self.assertIn("Content-Security-Policy", text)
        self.assertNotRegex(text, r"(?i)(src|href)\s*=|url\(|@import")  # nothing fetched
        for chart in ("chart pages", "chart channels", "chart previews", "chart trend"):
            self.assertIn('class="%s"' % chart, text)
        body = "".join(page.text)
        self.assertIn("Dark-social share", body)
        self.assertIn("whatsapp", body)
        self.assertIn("/news/2026/11/lagos-floods-relief-4411", body)
        # The site model says what it did: too few pages in the sample to fit, so the rules' weights.
        self.assertIn('<h2 id="model">Site model</h2>', text)
        self.assertIn("New visitors: 80.0% private, within 0.0% to 95.0% (weights.rules: the pages do not support a fit)", body)

    def test_reads_right_without_the_readme(self):
        """Issue 20: one name per figure, whole visits, the window asked for in local time, partial days
        marked with dates no reader misreads, previews apart from visits, an explanation and advice."""
        text = render("--since", "2026-11-20", "--until", "2026-11-23", SAMPLE, SAMPLE + ".gz")
        body = " ".join(self.parse(text).text)
        self.assertIn("Period 2026-11-20 00:00 to 2026-11-23 00:00 (local time, UTC+00:00)", body)
        self.assertIn("lines read 2026-11-20 05:00 to 2026-11-22 19:50 (local time, UTC+00:00)", body)
        self.assertIn("Dark-social share (estimate)", body)
        self.assertRegex(body, r"of [\d,]+ visits with a dark-social sign")
        self.assertIn("dark-social signs", body)  # the channel, not the raw identifier
        self.assertNotIn("dark_social", body)
        self.assertNotIn("README", body)
        # Whole visits in the table of pages and the tiles: no "8.7" estimated visits.
        for cells in re.findall(r'<tr><td class="path">.*?</tr>', text):
            dark = re.findall(r'<td class="num">([^<]*)</td>', cells)[1]
            self.assertRegex(dark, r"^[\d,]+$|^n/a$", cells)
        # The sample's last day ends at 19:50: partial, and dates as "22 Nov", never "11-22".
        self.assertIn('class="day partial"', text)
        self.assertIn("22 Nov (partial: the log covers only part of this day)", text)
        self.assertNotRegex(body, r"(?<!\d\d\d\d-)\b11-2[0-2]\b")  # ISO dates (2026-11-22) are no trouble
        self.assertRegex(body, r"whatsapp [\d,]+ dark-social visits, [\d,]+ link previews")
        self.assertIn("How to read this report", body)
        self.assertIn("What to do next", body)
        self.assertIn("?utm_source=whatsapp&amp;utm_medium=share", text)

    def test_top_app_counts_visits_not_previews(self):
        """A robot's preview fetch is not a visit: the app with most dark-social visits is the top app,
        even when another app's previews outnumber them; a tie goes to the app with more previews."""
        lines = []
        t = 0

        def line(ip, path, ua, referer="-"):
            nonlocal t
            t += 1
            lines.append('%s - - [20/Nov/2026:10:%02d:%02d +0000] "GET %s HTTP/1.1" 200 512 "%s" "%s"'
                         % (ip, t // 60, t % 60, path, referer, ua))
        messenger = "Mozilla/5.0 (iPhone) FBAN/FBIOS;FB_IAB/MESSENGER"
        for i in range(3):  # 3 Messenger visits
            line("41.58.1.%d" % i, "/a/story-%d" % i, messenger)
        for i in range(6):  # 6 WhatsApp previews and 2 visits tagged whatsapp
            line("31.13.1.%d" % i, "/b/story-%d" % i, "WhatsApp/2.23.20.0 A")
        for i in range(2):
            line("41.58.2.%d" % i, "/b/story-%d?utm_source=whatsapp" % i, "Mozilla/5.0 (X11) Firefox/120.0")
        path = os.path.join(self.tmp, "apps.log")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        body = " ".join(self.parse(render("--site", "example.com", path)).text)
        self.assertIn("messenger 3 dark-social visits, 0 link previews", body)
        with open(path, "a") as f:  # one more WhatsApp visit: a tie, and WhatsApp has the previews
            f.write('41.58.2.9 - - [20/Nov/2026:11:00:00 +0000] "GET /b/x?utm_source=whatsapp HTTP/1.1" 200 '
                    '512 "-" "Mozilla/5.0 (X11) Firefox/120.0"\n')
        body = " ".join(self.parse(render("--site", "example.com", path)).text)
        self.assertIn("whatsapp 3 dark-social visits, 6 link previews", body)

    def test_the_run_notes_are_in_the_report(self):
        """The HTML goes to people who never see the run's standard error: its notes (here the site's
        host, guessed, and lines of another host left out by --site) are in it, escaped."""
        body = " ".join(self.parse(render(self.hostile)).text)
        self.assertIn("Notes on this report (1)", body)
        self.assertIn("site host not given", body)
        path = os.path.join(self.tmp, "vhosts.log")
        with open(path, "w") as f:
            for i, host in enumerate(["www.client1.sn", "shop.example.ci", "shop.example.ci"]):
                f.write('%s:443 41.58.3.%d - - [20/Nov/2026:10:00:0%d +0000] "GET /a HTTP/1.1" 200 1 "-" '
                        '"Mozilla/5.0 (X11) Firefox/120.0"\n' % (host, i, i))
        page = self.parse(render("--host", "client1.sn", path))
        self.assert_inert(page)
        self.assertIn("2 lines name other hosts than --host's (shop.example.ci 2)", " ".join(page.text))
        self.assertNotIn("Notes on this report", " ".join(self.parse(render("--site", "client1.sn", SAMPLE)).text))

    def test_hostile_log_content_is_text(self):
        text = render("--site", "example.com", self.hostile)
        page = self.parse(text)
        self.assert_inert(page)
        body = "".join(page.text)
        for target in HOSTILE:
            self.assertIn(target.replace('"', "%22"), body)  # nginx's \x22 shown as the client's %22, as text
        self.assertNotIn("<script", re.sub(r"&[a-z]+;|&#\d+;", "", text).split("</style>", 1)[1].lower())

    def test_by_day_and_files_per_period(self):
        page = self.parse(render("--by", "day", SAMPLE))
        self.assert_inert(page)
        self.assertEqual(page.tags.count("details") >= 3, True)
        out = os.path.join(self.tmp, "daily")
        os.makedirs(out)
        code = subprocess.run([BIN, "-q", "-F", "html", "--by", "day", "-o", os.path.join(out, "%Y-%m-%d.html"),
                               SAMPLE, SAMPLE + ".gz"], env=ENV).returncode
        self.assertEqual(code, 0)
        self.assertEqual(sorted(os.listdir(out)), ["2026-11-20.html", "2026-11-21.html", "2026-11-22.html"])
        with open(os.path.join(out, "2026-11-21.html"), encoding="utf-8") as f:
            one_day = f.read()
        self.assertNotIn('class="chart trend"', one_day)  # one day: no trend to draw

    def chromium(self, url, *flags):
        with tempfile.TemporaryDirectory(prefix="darkscan-chromium-") as profile:
            p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                                "--virtual-time-budget=3000", *flags, url],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        console = [l for l in p.stderr.decode(errors="replace").splitlines() if ":CONSOLE" in l]
        return p.returncode, p.stdout.decode(errors="replace"), console

    def test_in_chromium(self):
        harness.require(CHROMIUM, "chromium (scripts/install-deps --tests)")
        # The console check works: a page that breaks its own policy is caught.
        bad = os.path.join(self.tmp, "bad.html")
        with open(bad, "w") as f:
            f.write(render(SAMPLE).replace("</main>", '<img src="http://192.0.2.1/x.png"></main>'))
        _, _, console = self.chromium("file://" + bad, "--dump-dom")
        self.assertTrue(console, "a blocked request must show on the console")

        # The French report too: its words are longer, and must fit a phone's width as well.
        harness.require_french()
        both = [SAMPLE, os.path.join(ROOT, "samples", "combined.log.gz")]
        for name, args, env in (("report", both, ENV), ("hostile", ["--site", "example.com", self.hostile], ENV),
                                ("report-fr", both, dict(ENV, LC_ALL="fr_FR.UTF-8"))):
            path = os.path.join(self.tmp, name + ".html")
            with open(path, "w", encoding="utf-8") as f:
                f.write(render(*args, env=env))
            code, dom, console = self.chromium("file://" + path, "--dump-dom")
            self.assertEqual(code, 0)
            self.assertEqual(console, [], name)
            self.assertNotIn("<script", dom.lower())
            self.assertNotIn("<img", dom.lower())
            self.assertGreaterEqual(dom.count('class="bar"'), 5, name)
            for chart in ("chart pages", "chart channels", "chart previews"):
                self.assertIn('class="%s"' % chart, dom, name)
            if name.startswith("report"):
                self.assertIn('class="chart trend"', dom)
            else:
                self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", dom)

            artifacts = os.environ.get("DARKSCAN_ARTIFACTS") or self.tmp
            os.makedirs(artifacts, exist_ok=True)
            for width in (1280, 400):  # a laptop, a phone
                self.assertEqual(self.layout(path, width), "ok", (name, width))
                shot = os.path.join(artifacts, "html-%s-%d.png" % (name, width))
                if os.path.exists(shot):
                    os.remove(shot)
                code, _, console = self.chromium("file://" + path, "--hide-scrollbars",
                                                 "--window-size=%d,2400" % width, "--screenshot=" + shot)
                self.assertEqual((code, console), (0, []))
                with open(shot, "rb") as f:
                    self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
                self.assertGreater(os.path.getsize(shot), 20000)  # not a blank page

    def layout(self, path, width):
        """The report at `width` px in Chromium, measured by a page that holds it in a frame (the report's
        own policy forbids scripts): "ok", or what overflows its box (clipped labels, figures, text),
        makes the page scroll sideways, or is drawn smaller than 11 px (a chart scaled down)."""
        wrapper = os.path.join(os.path.dirname(path), "layout-%d.html" % width)
        with open(wrapper, "w", encoding="utf-8") as f:
            f.write("""<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="%s" style="width:%dpx;height:3000px;border:0"></iframe><pre id="out">pending</pre>
<script>
document.getElementById('f').onload = function() {
  var d = this.contentDocument, out = [];
  if (!d) { document.getElementById('out').textContent = 'no access to the frame'; return; }
  var w = d.documentElement.clientWidth;
  if (d.documentElement.scrollWidth > w + 1) out.push('page wider than the window: ' + d.documentElement.scrollWidth);
  d.querySelectorAll('.fig, .lab, .tile, h1, h2, p, li, summary').forEach(function(e) {
    if (e.scrollWidth > e.clientWidth + 1) out.push('clipped: ' + e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 50));
  });
  d.querySelectorAll('svg text').forEach(function(e) {
    var h = e.getBoundingClientRect().height;
    if (h > 0 && h < 11) out.push('text drawn at ' + h.toFixed(1) + ' px: ' + e.textContent);
  });
  document.getElementById('out').textContent = out.length ? out.join('; ') : 'ok';
};
</script></body></html>""" % (os.path.basename(path), width))
        code, dom, console = self.chromium("file://" + wrapper, "--allow-file-access-from-files", "--dump-dom")
        self.assertEqual(code, 0)
        found = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
        return html.unescape(found.group(1)) if found else dom[-500:]


if __name__ == "__main__":
    harness.main()
