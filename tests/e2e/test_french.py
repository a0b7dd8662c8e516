#!/usr/bin/env python3
"""darkscan in French (issue 17): the catalogue po/fr.po is complete and its placeholders fit the
code's; every English literal in src/ that people read goes through gettext; under fr_FR.UTF-8 the
table, the HTML report, --help, notes and errors are French, with French number typography; the
machine formats (JSON, NDJSON, TSV, CSV) are byte-identical under any locale; LANG=C, a locale that is
not installed and a missing catalogue give English without a word of warning.

Needs msgfmt and xgettext (Debian's gettext) and the fr_FR.UTF-8 locale (scripts/install-deps --tests
generates it). Binary from DARKSCAN (default build/darkscan under the repo root)."""

import html
import json
import os
import pty
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

ROOT = harness.ROOT
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
PO = os.path.join(ROOT, "po", "fr.po")
SAMPLES = os.path.join(ROOT, "samples")
COMBINED = os.path.join(SAMPLES, "combined.log")
NNBSP = "\u202f"  # narrow no-break space: French digit groups and "12,9 %"

# The gettext keywords of include/darkscan/common/i18n.hpp, as scripts/po-update gives them to xgettext.
KEYWORDS = ["tr", "trn:1,2", "N_", "message", "message_n:1,2", "format_tr", "format_trn:1,2", "translated"]
MARKED_CALLS = {k.split(":")[0] for k in KEYWORDS}


def env(**extra):
    """The test environment without any locale variable, plus `extra`."""
    e = {k: v for k, v in os.environ.items()
         if not (k.startswith("LC_") or k in ("LANG", "LANGUAGE", "DARKSCAN_LOCALE_DIR"))}
    e["TZ"] = "UTC"
    e.update(extra)
    return e


FR = dict(LC_ALL="fr_FR.UTF-8")
EN = dict(LC_ALL="C.UTF-8")


def run(args, lang, stdin=b"", check=True):
    p = subprocess.run([BIN, *args], input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env(**lang), timeout=120)
    if check and p.returncode != 0:
        raise AssertionError("%s exited %d: %s" % (args, p.returncode, p.stderr.decode(errors="replace")))
    return p


# --- the catalogue ------------------------------------------------------------------------------

def unescape(s):
    """A PO string's C escapes undone (\\n, \\t, \\", \\\\)."""
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), s)


def read_po(path):
    """The entries of a PO file: dicts with msgid, msgid_plural, msgstr (list), fuzzy, obsolete."""
    entries, cur, key = [], None, None

    def flush():
        if cur is not None and ("msgid" in cur):
            entries.append(cur)

    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            obsolete = line.startswith("#~")
            if obsolete:
                line = line[2:].lstrip()
            if not line:
                continue
            if line.startswith("#,"):
                flush()
                cur, key = {"msgstr": {}, "fuzzy": "fuzzy" in line, "obsolete": False}, None
                continue
            if line.startswith("#"):
                continue
            m = re.match(r'(msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$', line)
            if m:
                if m.group(1) == "msgid":
                    if cur is None or "msgid" in cur:
                        flush()
                        cur = {"msgstr": {}, "fuzzy": False, "obsolete": False}
                    cur["obsolete"] = obsolete
                    key = ("msgid",)
                    cur["msgid"] = m.group(3)
                elif m.group(1) == "msgid_plural":
                    key = ("msgid_plural",)
                    cur["msgid_plural"] = m.group(3)
                else:
                    idx = int(m.group(2) or 0)
                    key = ("msgstr", idx)
                    cur["msgstr"][idx] = m.group(3)
                continue
            m = re.match(r'"(.*)"$', line)
            if m and cur is not None and key:
                if key[0] == "msgstr":
                    cur["msgstr"][key[1]] += m.group(1)
                else:
                    cur[key[0]] += m.group(1)
    flush()
    for e in entries:
        e["msgid"] = unescape(e["msgid"])
        if "msgid_plural" in e:
            e["msgid_plural"] = unescape(e["msgid_plural"])
        e["msgstr"] = [unescape(e["msgstr"][i]) for i in sorted(e["msgstr"])]
    return entries


PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def placeholders(text):
    """fmt replacement fields of `text` as (index, spec) in argument order, or None if it mixes
    automatic and manual indexing (fmt refuses that)."""
    fields, auto, manual = [], 0, False
    for m in PLACEHOLDER.finditer(text):
        if m.group(0) in ("{{", "}}"):
            continue
        inner = m.group(1)
        arg, _, spec = inner.partition(":")
        if arg == "":
            if manual:
                return None
            fields.append((auto, spec))
            auto += 1
        elif arg.isdigit():
            if auto:
                return None
            manual = True
            fields.append((int(arg), spec))
        else:
            fields.append((arg, spec))
    return fields


def same_fields(msgid, msgstr):
    a, b = placeholders(msgid), placeholders(msgstr)
    if a is None or b is None:
        return False
    return sorted(a, key=str) == sorted(b, key=str) or \
        sorted(set(a), key=str) == sorted(set(b), key=str)


class CatalogueTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require(shutil.which("msgfmt") and shutil.which("xgettext"), "msgfmt and xgettext (gettext)")
        cls.entries = [e for e in read_po(PO) if e["msgid"]]

    def test_msgfmt_check_statistics_complete(self):
        p = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, PO],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env(**EN))
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertRegex(p.stdout, r"^\d+ translated messages?\.\s*$", p.stdout)

    def test_every_message_of_the_code_is_translated(self):
        with tempfile.TemporaryDirectory() as tmp:
            files = sorted(os.path.relpath(os.path.join(d, f), ROOT)
                           for base in ("src", "include")
                           for d, _, names in os.walk(os.path.join(ROOT, base))
                           for f in names if f.endswith((".cpp", ".hpp")))
            pot = os.path.join(tmp, "darkscan.pot")
            subprocess.run(["xgettext", "--from-code=UTF-8", "--language=C++", "--no-wrap", "-o", pot,
                            *("--keyword=" + k for k in KEYWORDS), *files], cwd=ROOT, check=True)
            wanted = {e["msgid"] for e in read_po(pot) if e["msgid"]}
        have = {e["msgid"]: e for e in self.entries if not e["obsolete"]}
        missing = sorted(wanted - set(have))
        self.assertEqual(missing, [], "not in po/fr.po (run scripts/po-update and translate)")
        untranslated = sorted(m for m in wanted if not all(have[m]["msgstr"]) or have[m]["fuzzy"])
        self.assertEqual(untranslated, [], "untranslated or fuzzy in po/fr.po")
        stale = sorted(set(have) - wanted)
        self.assertEqual(stale, [], "in po/fr.po but no longer in the code (run scripts/po-update)")

    def test_translations_keep_the_placeholders(self):
        bad = []
        for e in self.entries:
            for i, s in enumerate(e["msgstr"]):
                source = e["msgid"] if i == 0 or "msgid_plural" not in e else e["msgid_plural"]
                if s and not same_fields(source, s):
                    bad.append((source, s))
        self.assertEqual(bad, [])

    def test_placeholder_check_can_fail(self):
        self.assertTrue(same_fields("{} of {:.1f}", "{1:.1f} sur {0}"))
        self.assertFalse(same_fields("{} of {}", "{} sur"))
        self.assertFalse(same_fields("{} of {}", "{1} sur {}"))
        self.assertFalse(same_fields("{:>6}", "{}"))

    def test_language_code(self):
        codes = [e["msgstr"][0] for e in self.entries if e["msgid"] == "en"]
        self.assertEqual(codes, ["fr"])


# --- every user-facing literal goes through gettext ----------------------------------------------

# Files whose every literal is machine text (a format people do not read as prose).
MACHINE_FILES = {"report_json.cpp", "report_delimited.cpp", "hits_writer.cpp"}
MARKER = "not for translation"
WORDS = re.compile(r"[A-Za-z]{2,}[ ,;:'-]+[A-Za-z]{2,}")


def literals(source):
    """(line, text, innermost call) for each string literal of C++ `source`, skipping comments,
    character literals and preprocessor lines; `text` is raw (escapes not undone)."""
    out, stack, i, line, n = [], [], 0, 1, len(source)
    last_ident = ""
    at_line_start = True
    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if at_line_start and c == "#":
            while i < n and source[i] != "\n":
                i += 2 if source[i] == "\\" else 1
            continue
        if c in " \t\r":
            i += 1
            continue
        at_line_start = False
        if source.startswith("//", i):
            while i < n and source[i] != "\n":
                i += 1
            continue
        if source.startswith("/*", i):
            end = source.find("*/", i + 2)
            line += source.count("\n", i, end)
            i = end + 2
            continue
        raw = re.match(r'(?:u8|u|U|L)?R"([^(]*)\(', source[i:i + 40])
        if raw:
            close = ")" + raw.group(1) + '"'
            end = source.find(close, i + raw.end())
            out.append((line, source[i + raw.end():end], stack[-1] if stack else ""))
            line += source.count("\n", i, end)
            i = end + len(close)
            last_ident = ""
            continue
        if c == '"':
            j = i + 1
            while source[j] != '"':
                j += 2 if source[j] == "\\" else 1
            out.append((line, source[i + 1:j], stack[-1] if stack else ""))
            i = j + 1
            last_ident = ""
            continue
        if c == "'":
            j = i + 1
            while source[j] != "'":
                j += 2 if source[j] == "\\" else 1
            i = j + 1
            continue
        if c.isalpha() or c == "_":
            j = i
            while j < n and (source[j].isalnum() or source[j] == "_"):
                j += 1
            last_ident = source[i:j]
            i = j
            continue
        if c == "(":
            stack.append(last_ident)
        elif c == ")" and stack:
            stack.pop()
        last_ident = ""
        i += 1
    return out


class MarkedLiteralsTest(unittest.TestCase):
    def test_literals_with_words_are_marked(self):
        unmarked = []
        for d, _, names in [w for top in ("src", "include") for w in os.walk(os.path.join(ROOT, top))]:
            for name in sorted(names):
                if not name.endswith((".cpp", ".hpp")) or name in MACHINE_FILES:
                    continue
                path = os.path.join(d, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                lines = text.split("\n")
                for line, lit, call in literals(text):
                    if call in MARKED_CALLS or not WORDS.search(lit):
                        continue
                    if MARKER in lines[line - 1] or (line > 1 and MARKER in lines[line - 2]):
                        continue
                    unmarked.append("%s:%d: %s" % (os.path.relpath(path, ROOT), line, lit[:70]))
        self.assertEqual(unmarked, [], "mark with tr()/N_()/message(), or add '// %s'" % MARKER)

    def test_lint_finds_an_unmarked_literal(self):
        src = 'void f() {\n  throw Error("cannot open the file");\n  tr("some words here");\n' \
              '  x = "machine text here"; // not for translation\n}\n'
        found = [(l, c) for l, lit, c in literals(src) if WORDS.search(lit)]
        self.assertEqual(found, [(2, "Error"), (3, "tr"), (4, "")])


# --- French output ------------------------------------------------------------------------------

def words(text):
    """The words of three letters or more that are plain ASCII (French words with accents are not)."""
    return {w for w in re.findall(r"[^\W\d_]{3,}", text) if w.isascii()}


class FrenchOutputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_french()
        harness.require(os.path.exists(os.path.join(os.path.dirname(BIN), "locale", "fr", "LC_MESSAGES",
                                                    "darkscan.mo")), "build/locale/fr (the build makes it)")
        cls.tmp = tempfile.mkdtemp(prefix="darkscan-fr-")
        # What the report quotes from the log may show in both languages: its pages, apps and site
        # hosts (read from the JSON report), and the paths given on the command line.
        report = json.loads(run(["-F", "json", COMBINED], EN).stdout)
        quoted = [p["path"] for p in report["pages"]] + [p["top_app"] or "" for p in report["pages"]]
        quoted += list(report["summary"]["previews_by_app"]) + report["summary"]["site"]
        cls.data_words = words(" ".join(quoted)) | words(SAMPLES) | words(cls.tmp)
        cls.data_words |= {w.capitalize() for w in cls.data_words}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def english_left(self, english, french, allowed=()):
        """Words of the English output that the French output still shows (data and `allowed` aside).
        Lines the same in both (commands in examples) and option names do not count."""
        same = set(english.splitlines()) & set(french.splitlines())
        prose = lambda text: re.sub(r"--?[a-z][a-z-]*", " ", "\n".join(l for l in text.splitlines() if l not in same))
        left = (words(prose(english)) & words(prose(french))) - self.data_words - set(allowed)
        return sorted(left)

    def test_table_is_french_with_french_numbers(self):
        en = run(["-F", "table", "-n", "20", COMBINED], EN).stdout.decode()
        fr = run(["-F", "table", "-n", "20", COMBINED], FR).stdout.decode()
        self.assertNotEqual(en, fr)
        self.assertEqual(self.english_left(en, fr, SAME_WORDS), [])
        self.assertRegex(fr, r"\d+,\d" + NNBSP + "%")
        self.assertNotRegex(fr, r"\d\.\d")  # no decimal point left in the table
        self.assertEqual(len(en.splitlines()), len(fr.splitlines()))

    def test_html_is_french(self):
        out_en = os.path.join(self.tmp, "en.html")
        out_fr = os.path.join(self.tmp, "fr.html")
        run(["-F", "html", "-o", out_en, COMBINED], EN)
        run(["-F", "html", "-o", out_fr, COMBINED], FR)
        en, fr = (harness.read_bytes(p).decode("utf-8") for p in (out_en, out_fr))
        self.assertIn('<html lang="en"', en)
        self.assertIn('<html lang="fr"', fr)
        visible = lambda h: html.unescape(re.sub(r"<style.*?</style>|<[^>]*>", " ", h, flags=re.S))
        self.assertEqual(self.english_left(visible(en), visible(fr), SAME_WORDS), [])
        self.assertIn(NNBSP + "%", fr)

    def test_help_of_every_command_is_french(self):
        for cmd in ([], ["merge"], ["rules"], ["rules", "check"], ["rules", "ua"]):
            en = run([*cmd, "--help"], EN).stdout.decode()
            fr = run([*cmd, "--help"], FR).stdout.decode()
            self.assertNotEqual(en, fr, cmd)
            # Each option's description: the French line is not the English one.
            en_lines = [l for l in en.splitlines() if re.match(r"\s+-", l)]
            fr_lines = set(l for l in fr.splitlines() if re.match(r"\s+-", l))
            same = [l for l in en_lines if l in fr_lines and len(words(l)) > 1]
            self.assertEqual(same, [], cmd)
            # And no English word in the whole text (descriptions, footers), commands and names aside.
            self.assertEqual(self.english_left(en, fr, SAME_WORDS | HELP_SAME_WORDS), [], cmd)
            for heading in ("Usage:", "Options:", "Positionals:", "Subcommands:", "Examples:", "Exit status:"):
                self.assertNotIn(heading, fr, cmd)

    def test_errors_notes_and_summary_are_french(self):
        missing = os.path.join(self.tmp, "absent.log")
        en = run([missing], EN, check=False)
        fr = run([missing], FR, check=False)
        self.assertEqual(en.returncode, fr.returncode)
        self.assertIn(b"darkscan: error: cannot open", en.stderr)
        self.assertIn("darkscan: erreur", fr.stderr.decode())
        self.assertIn(missing, fr.stderr.decode())
        bad = run(["--since", "someday", COMBINED], FR, check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("darkscan: erreur", bad.stderr.decode())
        self.assertIn("impossible de lire 'someday'", bad.stderr.decode())
        bad = run(["--sinse", "-1d", COMBINED], FR, check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("vouliez-vous dire --since", bad.stderr.decode())
        common = os.path.join(SAMPLES, "common.log")
        fr = run(["-o", os.path.join(self.tmp, "c.tsv"), common], FR).stderr.decode()
        en = run(["-o", os.path.join(self.tmp, "c.tsv"), common], EN).stderr.decode()
        self.assertIn("darkscan: note: ", en)
        self.assertEqual(self.english_left(en, fr, SAME_WORDS), [])

    def test_locale_variables_in_their_order(self):
        # LC_ALL, then LC_MESSAGES, then LANG (POSIX); C and C.UTF-8 are English whatever LANGUAGE says.
        french = lambda p: "darkscan: 1 entrée" in p.stderr.decode()
        cases = [(dict(LANG="fr_FR.UTF-8"), True), (dict(LC_MESSAGES="fr_FR.UTF-8"), True),
                 (dict(LANG="fr_FR.UTF-8", LC_MESSAGES="C"), False),
                 (dict(LC_ALL="fr_FR.UTF-8", LC_MESSAGES="C"), True),
                 (dict(LANG="C", LC_MESSAGES="fr_FR.UTF-8"), True),
                 (dict(LANG="C.UTF-8", LANGUAGE="fr"), False), (dict(LC_ALL="C", LANGUAGE="fr"), False),
                 (dict(LANG="fr_FR.UTF-8", LANGUAGE="en"), False)]
        for lang, want in cases:
            p = run(["-o", os.path.join(self.tmp, "l.tsv"), COMBINED], lang)
            self.assertEqual(french(p), want, (lang, p.stderr[-300:]))

    def test_plural_forms(self):
        # French counts 0 and 1 as singular, English only 1 (Plural-Forms of po/fr.po).
        out = os.path.join(self.tmp, "p.tsv")
        empty = os.path.join(self.tmp, "empty.log")
        open(empty, "w").close()
        one = run(["-o", out, COMBINED], FR).stderr.decode()
        self.assertRegex(one, r"darkscan: 1 entrée, [0-9\u202f]+ lignes .*: [0-9\u202f]+ analysées, 0 mal formée\n")
        two = run(["-o", out, COMBINED, empty], FR).stderr.decode()
        self.assertIn("darkscan: 2 entrées, ", two)
        en = run(["-o", out, COMBINED, empty], EN).stderr.decode()
        self.assertIn("darkscan: 2 inputs, ", en)

    def test_thousands_in_the_table(self):
        # 1,200 pages of one visit each: counts past 999 are grouped the language's way where people read
        # them, and English keeps the digits it always wrote there ("... 1197 more pages").
        log = os.path.join(self.tmp, "many.log")
        with open(log, "w") as f:
            for i in range(1200):
                f.write('41.58.%d.%d - - [20/Nov/2026:08:%02d:00 +0000] "GET /news/story-%d HTTP/1.1" 200 5120 '
                        '"-" "Mozilla/5.0 (Linux; Android 13) Chrome/119.0 Mobile Safari/537.36"\n'
                        % (i // 250, i % 250, i % 60, i))
        en = run(["-F", "table", "-n", "3", "--site", "example.com", log], EN).stdout.decode()
        fr = run(["-F", "table", "-n", "3", "--site", "example.com", log], FR).stdout.decode()
        self.assertIn("... 1197 more pages", en)
        self.assertIn("1,200", en)
        self.assertIn("1" + NNBSP + "197", fr)
        self.assertIn("1" + NNBSP + "200", fr)
        self.assertNotIn("1,200", fr)
        # Counts in notes too: plain digits in English (and in JSON), grouped in French.
        with open(log) as f:
            referred = f.read().replace('" 200 5120 "-"', '" 200 5120 "https://example.com/"')
        with open(log, "w") as f:
            f.write(referred)
        en = run(["-o", os.devnull, log], EN).stderr.decode()
        fr = run(["-o", os.devnull, log], FR).stderr.decode()
        self.assertIn("(the referrer of 1200 of 1200 referred hits)", en)
        self.assertIn("1" + NNBSP + "200 des 1" + NNBSP + "200", fr)

    def test_progress_line_is_french(self):
        # The progress line shows only on a terminal, for inputs of 64 MiB or more (progress.cpp).
        big = os.path.join(self.tmp, "big.log")
        with open(COMBINED, "rb") as f:
            chunk = f.read()
        with open(big, "wb") as out:
            for _ in range((96 << 20) // len(chunk) + 1):
                out.write(chunk)
        shown = {}
        for name, lang in (("en", EN), ("fr", FR)):
            master, slave = pty.openpty()
            p = subprocess.Popen([BIN, "--threads", "1", "-o", os.path.join(self.tmp, "big.tsv"), big],
                                 stdout=subprocess.DEVNULL, stderr=slave, env=env(**lang))
            os.close(slave)
            data = b""
            while True:
                try:
                    more = os.read(master, 65536)
                except OSError:  # the child has closed the terminal
                    break
                if not more:
                    break
                data += more
            os.close(master)
            self.assertEqual(p.wait(timeout=120), 0)
            shown[name] = data.decode("utf-8", errors="replace")
        # A size is "8 MB" or "1.00 GB" ("8 Mo", "1,00 Go"): the first line comes at once, when the rate
        # of a fast machine can pass a gigabyte a second.
        size_en, size_fr = r"(?:\d+ MB|\d+\.\d\d GB)", r"(?:\d+ Mo|\d+,\d\d Go)"
        self.assertRegex(shown["en"], r"\r\[[#.]+\] +\d+%  " + size_en + " of " + size_en + "  " + size_en +
                         r"/s  ETA \d+:\d\d")
        self.assertRegex(shown["fr"], r"\r\[[#.]+\] +\d+" + NNBSP + r"%  " + size_fr + " sur " + size_fr + "  " +
                         size_fr + r"/s  reste \d+:\d\d")
        self.assertIn("lignes", shown["fr"])  # the run summary that follows


# Words the French text shares with the English one on purpose: the same word in both languages, a
# term kept in French (dark social, JSON), an abbreviation. Names of apps come from the rules.
SAME_WORDS = {"dark", "social", "Dark", "page", "pages", "Pages", "total", "Total", "direct", "Direct",
              "site", "Site", "sites", "article", "part", "proportion", "public", "agents", "est",
              "notes", "note", "JSON", "null", "UTC", "TLS", "HTML", "darkscan", "utm_source",
              "utm_medium", "share", "whatsapp", "social", "common", "combined", "log", "nginx", "http_referer",
              "http_user_agent", "referer", "user", "messages", "message", "webmail", "weights", "rules",
              "Page", "HTTP", "http", "utm", "source", "medium", "agent", "HOST",
              # brands, as the report writes them
              "WhatsApp", "Instagram", "Messenger", "Telegram", "Facebook", "LinkedIn", "iMessage"}
# --help names formats, fields and keys that stay as they are (presets, nginx variables, FIELD names).
HELP_SAME_WORDS = {"CDN", "CIDR", "X", "Forwarded", "For", "realip", "module", "extension", "table", "tsv", "csv", "json", "ndjson", "html", "caddy", "traefik", "cloudflare",
                   "cloudfront", "vcombined", "xff", "nginx", "Nginx", "Apache", "LogFormat", "log_format",
                   "Fields", "key", "field", "escape", "Caddy", "Traefik", "Cloudflare", "Logpush", "IIS",
                   "CloudFront", "content", "today", "yesterday", "hour", "day", "week", "month", "out",
                   "item", "read", "aid", "gzip", "bzip2", "zstd", "codec", "Messenger", "WhatsApp",
                   "mail", "DISTRIBUTED", "RULES", "doc", "access", "stdin", "state", "merge", "check",
                   "ua", "app", "kind", "rule", "PATH", "usr", "bin", "local", "remote_addr",
                   "remote_user", "time_local", "request", "status", "body_bytes_sent", "request_time",
                   "Referer", "User", "Agent", "host", "time", "target", "req", "url", "ip", "client",
                   "ts", "STATE", "FILE", "DIR", "TIME", "HOST", "NAME", "PERIOD", "FMT", "BYTES", "TEXT", "DURATION",
                   # French words spelt as in English
                   "Formats", "OPTIONS", "Options", "compression", "configuration", "crontab", "format",
                   "option", "rotation", "secret", "standard", "terminal", "verdict", "version",
                   # from names: bzip2, /dev/null, web1.state, LogFormat "..." name
                   "bzip", "dev", "web", "name", "mon", "tue",
                   # the man page (English) and its section "RULES FILES"
                   "man", "FILES",
                   # the name of the nginx log_format in the example (log_format main ...)
                   "main"}


class MachineFormatsTest(unittest.TestCase):
    """JSON, NDJSON, TSV and CSV are a contract: the same bytes under any locale."""

    LOCALES = [dict(LC_ALL="C.UTF-8"), dict(LC_ALL="fr_FR.UTF-8"), dict(LANG="fr_FR.UTF-8"),
               dict(LC_MESSAGES="fr_FR.UTF-8"), dict(LANG="fr_FR.UTF-8", LC_NUMERIC="fr_FR.UTF-8"),
               dict(LANGUAGE="fr", LANG="fr_FR.UTF-8")]

    @classmethod
    def setUpClass(cls):
        harness.require_french()
        cls.tmp = tempfile.mkdtemp(prefix="darkscan-fr-")
        # An input with malformed lines, a note (no site given) and a missing file: every text that
        # the JSON report carries (reasons, errors, notes) is there.
        cls.mixed = os.path.join(cls.tmp, "mixed.log")
        with open(COMBINED, "rb") as f, open(cls.mixed, "wb") as out:
            out.write(f.read() + b"this is not a log line\n\x00\xff garbage\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def same_under_every_locale(self, args):
        outputs = [run(args, lang, check=False) for lang in self.LOCALES]
        for lang, p in zip(self.LOCALES[1:], outputs[1:]):
            self.assertEqual(p.returncode, outputs[0].returncode, (args, lang))
            self.assertEqual(p.stdout, outputs[0].stdout, (args, lang))
        return outputs[0].stdout

    def test_report_formats(self):
        absent = os.path.join(self.tmp, "absent.log")
        for fmt in ("json", "ndjson", "tsv", "csv"):
            out = self.same_under_every_locale(["-F", fmt, self.mixed, absent])
            self.assertTrue(out)
        summary = json.loads(self.same_under_every_locale(["-F", "json", self.mixed, absent]))["summary"]
        # The texts it carries are there, in English.
        self.assertIn("cannot open", [i for i in summary["inputs"] if i["error"]][0]["error"])
        self.assertTrue(summary["malformed_examples"])
        self.assertTrue(summary["notes"])

    def test_every_kind_of_message_stays_english_in_json(self):
        # Inputs whose JSON report carries each kind of text: a JSON log with garbage (simdjson's
        # reasons), a W3C log with a bad #Fields, a truncated gzip (the decoder's error), a log
        # without referrers (the note), lines out of time order (the note), --by day.
        caddy = os.path.join(self.tmp, "caddy.log")
        with open(os.path.join(SAMPLES, "caddy.log"), "rb") as f, open(caddy, "wb") as out:
            out.write(f.read() + b'{"request": {"uri": \n{not json}\n')
        iis = os.path.join(self.tmp, "iis.log")
        with open(os.path.join(SAMPLES, "iis.log"), "rb") as f, open(iis, "wb") as out:
            out.write(f.read() + b"#Fields: date time nothing-useful\n2026-11-20 08:00:00 x\n")
        truncated = os.path.join(self.tmp, "cut.log.gz")
        with open(os.path.join(SAMPLES, "combined.log.gz"), "rb") as f, open(truncated, "wb") as out:
            out.write(f.read()[:3000])
        shuffled = os.path.join(self.tmp, "shuffled.log")
        with open(COMBINED, "rb") as f:
            lines = f.read().splitlines(keepends=True)
        with open(shuffled, "wb") as out:
            out.write(b"".join(lines[len(lines) // 2:] + lines[:len(lines) // 2]))
        for args in (["-f", "caddy", caddy], [iis], [truncated], [os.path.join(SAMPLES, "common.log")],
                     [shuffled], ["--by", "day", self.mixed]):
            summary = json.loads(self.same_under_every_locale(["-F", "json", *args]))
            summary = summary.get("summary", summary)
            texts = [n for n in summary["notes"]] + [m["reason"] for m in summary["malformed_examples"]]
            texts += [i["error"] for i in summary["inputs"] if i["error"]]
            self.assertTrue(texts, args)
            for t in texts:
                self.assertTrue(t.isascii(), (args, t))  # English: no é, no narrow no-break space

    def test_hits(self):
        for fmt in ("ndjson", "tsv"):
            self.same_under_every_locale(["--hits", "--explain", "--salt", "s", "-F", fmt, COMBINED])

    def test_merge(self):
        state = os.path.join(self.tmp, "a.state")
        run(["-q", "--state-out", state, "-o", os.devnull, COMBINED], EN)
        self.same_under_every_locale(["merge", "-F", "json", state])


class FallbackTest(unittest.TestCase):
    """English by default, silently: LANG=C, a locale not installed, no catalogue for the language."""

    def english(self, lang):
        p = run(["-F", "tsv", "-o", os.devnull, COMBINED], lang)
        self.assertIn(b"lines", p.stderr)
        self.assertNotIn(b"warning", p.stderr.lower())
        self.assertNotIn(b"locale", p.stderr.lower())
        return p.stderr

    def test_c_and_missing_locales_are_english(self):
        reference = self.english(dict(LC_ALL="C"))
        strip_time = lambda s: re.sub(rb"in [0-9.]+ s \([0-9]+ MB/s\)", b"", s)
        for lang in (dict(LANG="C"), dict(), dict(LANG="xx_YY.UTF-8"), dict(LC_ALL="de_DE.UTF-8"),
                     dict(LANG="fr_FR.UTF-8", LC_ALL="C"), dict(LANG="es_ES.UTF-8", LANGUAGE="es")):
            self.assertEqual(strip_time(self.english(lang)), strip_time(reference), lang)

    def test_no_catalogue_is_english(self):
        # An installed locale without a catalogue for its language: English through and through (counts
        # in notes as plain digits too, "1200 of 1200").
        harness.require_french()
        with tempfile.TemporaryDirectory() as empty:
            p = run(["--help"], dict(LC_ALL="fr_FR.UTF-8", DARKSCAN_LOCALE_DIR=empty))
            self.assertIn(b"Options:", p.stdout)
            self.assertEqual(p.stderr, b"")
            log = os.path.join(empty, "five.log")
            with open(COMBINED, "rb") as f, open(log, "wb") as out:
                out.write(f.read() * 5)
            strip_time = lambda s: re.sub(rb"in [0-9.]+ s \([0-9]+ MB/s\)", b"", s)
            args = ["-o", os.path.join(empty, "r.tsv"), log]
            fr = run(args, dict(LC_ALL="fr_FR.UTF-8", DARKSCAN_LOCALE_DIR=empty)).stderr
            en = run(args, dict(LC_ALL="C.UTF-8")).stderr
            self.assertIn(b"of 1200 referred hits", en)
            self.assertEqual(strip_time(fr), strip_time(en))


if __name__ == "__main__":
    harness.main()
