#!/usr/bin/env python3
"""Hostile-input tests of darkscan (Python 3 stdlib only).

    python3 tests/e2e/test_hostile.py [-v] [OverlongLinesTest|BinaryBytesTest|...]

Access logs are attacker-controlled: anyone can put bytes in a request line, a referrer or a user
agent. These tests check that darkscan survives anything (no crash, no hang, bounded memory) and never
passes hostile bytes on harmfully (invalid JSON, broken TSV/CSV records, spreadsheet formulas, terminal
control sequences).

Environment:
    DARKSCAN       the binary (default: build/darkscan under the repo root)
    DARKSCAN_ROOT  the repo root (default: two levels above this script)

Every run gets TZ=UTC and a timeout, so that a hang fails the test instead of blocking it.
Every input is generated in a temporary directory; nothing is downloaded.

When a bug is found, a test asserting the intended behaviour can carry @unittest.expectedFailure
with a comment until it is fixed; none does today.
"""

import csv
import datetime
import gzip
import io
import json
import lzma
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

import harness

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or "build/darkscan"
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
FUZZ_DIRS = [os.path.join(ROOT, "fuzz", "corpus"), os.path.join(ROOT, "fuzz", "regressions")]

TIMEOUT = 60          # seconds, for every darkscan run
MAX_RSS_KB = 150 * 1024
CAP = 65536           # the default --max-line-length

COLUMNS = ["path", "visits", "dark_social", "dark_social_visits", "share", "share_low",
           "share_high", "direct_deep", "inapp_messaging", "inapp_social", "tagged_private",
           "mail", "previews", "top_app", "page_views"]
HIT_COLUMNS = ["file", "line", "time", "path", "class", "visit_start", "channel", "weight", "evidence", "app",
               "reasons", "visitor"]
FIREFOX = b"Mozilla/5.0 (X11; Linux x86_64; rv:144.0) Gecko/20100101 Firefox/144.0"
CHROME_ANDROID = (b"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
                  b"Chrome/141.0.0.0 Mobile Safari/537.36")

# Invalid UTF-8 from the brief: a lone byte, a bad continuation, an overlong '/', a surrogate; and NUL.
BAD_UTF8 = [b"\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\x00"]
# Terminal control sequences: CSI (SGR red), OSC (set title) ended by BEL, CR, backspace, C1 CSI.
TERMINAL_JUNK = b"\x1b[31mRED\x1b]0;title\x07\rCR\x08BS\xc2\x9bC1"


# ---------------------------------------------------------------------------------------------------
# helpers

def env():
    return dict(os.environ, TZ="UTC")


def run(*args, stdin=None, timeout=TIMEOUT):
    """Runs darkscan; stdout and stderr are bytes, stdin bytes or None (empty)."""
    return subprocess.run([BIN, *args], input=stdin if stdin is not None else b"",
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, env=env())


def _reject_constant(name):
    raise ValueError("not JSON: %s" % name)


def _check_unicode(value):
    """Every string of a decoded JSON value is encodable as UTF-8 (no lone surrogate from \\ud800)."""
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, list):
        for v in value:
            _check_unicode(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_unicode(k)
            _check_unicode(v)


def strict_json(text_bytes):
    """Decodes strict UTF-8 and strict JSON (no NaN/Infinity, no lone surrogate escapes)."""
    value = json.loads(text_bytes.decode("utf-8"), parse_constant=_reject_constant)
    _check_unicode(value)
    return value


def strict_ndjson(text_bytes):
    text = text_bytes.decode("utf-8")
    assert text == "" or text.endswith("\n"), "NDJSON must end with a newline"
    return [strict_json(line.encode("utf-8")) for line in text.split("\n")[:-1]]


def run_json(*args, stdin=None, timeout=TIMEOUT):
    p = run("-F", "json", *args, stdin=stdin, timeout=timeout)
    return p, (strict_json(p.stdout) if p.stdout else None)


def run_hits(*args, stdin=None, timeout=TIMEOUT):
    p = run("--hits", "--salt", "hostile", *args, stdin=stdin, timeout=timeout)
    return p, strict_ndjson(p.stdout)


# combined as nginx writes it with escape=none: raw quotes inside fields are then the log's, not a torn
# line's (which the combined preset takes them for: nginx and Apache escape them).
COMBINED_RAW_QUOTES = ("log_format raw escape=none '$remote_addr - $remote_user [$time_local] \"$request\" "
                       "$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"';")


def log_line(second, path, client=b"41.58.1.1", ua=FIREFOX, referer=b"-", status=b"200"):
    """One combined line on 20 Nov 2026, 08:00:00 + second, offset +0100."""
    t = datetime.datetime(2026, 11, 20, 8, 0, 0) + datetime.timedelta(seconds=second)
    stamp = t.strftime("%d/Nov/%Y:%H:%M:%S +0100").encode()
    return (client + b" - - [" + stamp + b'] "GET ' + path + b' HTTP/1.1" ' + status + b' 512 "'
            + referer + b'" "' + ua + b'"\n')


def random_log(lines, seed=42):
    """A deterministic combined log of distinct page views (compresses about 7:1)."""
    r = random.Random(seed)
    out = []
    for i in range(lines):
        ip = b"%d.%d.%d.%d" % (r.randrange(1, 223), r.randrange(256), r.randrange(256),
                               r.randrange(1, 255))
        path = b"/news/%d/story-%08x" % (r.randrange(100), r.getrandbits(32))
        out.append(log_line(i * 3, path, client=ip, ua=FIREFOX if i % 2 else CHROME_ANDROID))
    return b"".join(out)


def tsv_records(stdout, header):
    """TSV records as lists of raw fields; every record has the header's number of fields."""
    text = stdout.decode("utf-8", "surrogateescape")
    assert text.endswith("\n"), "TSV output must end with a newline"
    lines = text.split("\n")[:-1]
    assert lines[0].split("\t") == header, lines[:1]
    records = [line.split("\t") for line in lines[1:]]
    for rec in records:
        assert len(rec) == len(header), ("a record with %d fields, not %d" % (len(rec), len(header)),
                                         rec)
    return records


def control_bytes(data, allowed=b"\n"):
    """Offsets of C0 control bytes (but `allowed`), DEL, and UTF-8-encoded C1 controls in data."""
    bad = [i for i, c in enumerate(data) if (c < 0x20 and bytes([c]) not in allowed) or c == 0x7F]
    bad += [m.start() for m in re.finditer(rb"\xc2[\x80-\x9f]", data)]
    return sorted(bad)


def show(data, offsets):
    return [data[max(0, i - 20):i + 20] for i in offsets[:3]]


# The peak RSS of one darkscan run: a fresh Python runs it, so that RUSAGE_CHILDREN is darkscan's alone.
RSS_PROBE = r"""
import resource, subprocess, sys
with open(sys.argv[1], "wb") as out:
    p = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
sys.stderr.buffer.write(p.stderr)
print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run_measured(out_path, *args, timeout=TIMEOUT):
    """(returncode, peak RSS in KiB, stderr, seconds) of darkscan ARGS, stdout written to out_path."""
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", RSS_PROBE, out_path, BIN, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(),
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the probe and darkscan, which share its session
        proc.communicate()
        raise
    rc, rss = out.split()
    return int(rc), int(rss), err, time.monotonic() - start


class TempDirMixin:
    def setUp(self):
        super().setUp()
        self._tmp = tempfile.TemporaryDirectory(prefix="darkscan-hostile-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()
        super().tearDown()

    def path(self, name):
        return os.path.join(self.tmp, name)

    def tmpfile(self, name, data):
        path = self.path(name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def assertNotKilled(self, p, what=""):
        self.assertGreaterEqual(p.returncode, 0, "%s killed by signal %d: %r"
                                % (what, -p.returncode, p.stderr[-2000:]))


# ---------------------------------------------------------------------------------------------------
# 1. overlong lines

class OverlongLinesTest(TempDirMixin, unittest.TestCase):
    def _data(self):
        good = [log_line(i, b"/page/%d" % i, client=b"41.58.1.%d" % i) for i in range(4)]
        # 1 MB that looks like a valid line (a huge path): a reader that cut it would parse its head
        mb1 = log_line(10, b"/long/" + b"x" * (1024 * 1024))
        mb5 = b"A" * (5 * 1024 * 1024) + b"\n"
        # just over the 64 KiB cap, in the user agent
        kb70 = log_line(11, b"/ua-long", ua=FIREFOX + b" " + b"u" * (70 * 1024))
        self.assertGreater(len(kb70) - 1, CAP)
        return good[0] + mb1 + good[1] + mb5 + good[2] + kb70 + good[3]

    def _check(self, r, data):
        s = r["summary"]
        self.assertEqual((s["lines"], s["parsed"], s["malformed"], s["overlong"]), (7, 4, 3, 3))
        self.assertEqual(s["bytes"], len(data))
        self.assertEqual([e["line"] for e in s["malformed_examples"]], [2, 4, 6])
        self.assertEqual(s["page_views"], 4)
        self.assertEqual(sorted(p["path"] for p in r["pages"]), ["/page/%d" % i for i in range(4)])

    def test_overlong_lines_skipped_and_next_line_parsed(self):
        data = self._data()
        path = self.tmpfile("long.log", data)
        p, r = run_json("-f", "combined", path)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        self._check(r, data)
        p, hits = run_hits("-f", "combined", path)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        self.assertEqual([(h["line"], h["path"]) for h in hits],
                         [(1, "/page/0"), (3, "/page/1"), (5, "/page/2"), (7, "/page/3")])
        # the summary on stderr names the lines, not their megabytes
        self.assertLess(len(p.stderr), 4096)

    def test_overlong_lines_autodetected_and_from_stdin(self):
        data = self._data()
        p, r = run_json(stdin=data)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        self._check(r, data)

    def test_overlong_lines_same_json_for_any_thread_count(self):
        data = self._data()
        path = self.tmpfile("long.log", data)
        outputs = {}
        for threads in ("1", "2"):
            p = run("-q", "-F", "json", "--threads", threads, path)
            self.assertEqual(p.returncode, 0, p.stderr[-2000:])
            self._check(strict_json(p.stdout), data)
            outputs[threads] = p.stdout
            p = run("-q", "--hits", "--salt", "s", "--threads", threads, path)
            outputs["hits" + threads] = p.stdout
        self.assertEqual(outputs["1"], outputs["2"])
        self.assertEqual(outputs["hits1"], outputs["hits2"])

    def test_crlf_line_of_exactly_the_cap_is_not_overlong(self):
        # The \r of a CRLF ending once counted towards --max-line-length: a line of exactly 65536
        # bytes was read with an LF ending but "overlong" with a CRLF ending, so the same log gave
        # another report once converted to CRLF (README: CRLF endings are accepted).
        first = log_line(0, b"/a", client=b"41.58.1.1")
        line = log_line(1, b"/b", client=b"41.58.1.2")[:-1]
        line = line.replace(b"GET /b", b"GET /b" + b"p" * (CAP - len(line)))
        self.assertEqual(len(line), CAP)
        for ending in (b"\n", b"\r\n"):
            with self.subTest(ending=ending):
                path = self.tmpfile("cap.log", first + line + ending + first.replace(b"/a", b"/c"))
                _, r = run_json("-f", "combined", path)
                s = r["summary"]
                self.assertEqual((s["lines"], s["parsed"], s["overlong"]), (3, 3, 0))


# ---------------------------------------------------------------------------------------------------
# 2. NUL bytes and invalid UTF-8

class BinaryBytesTest(TempDirMixin, unittest.TestCase):
    def setUp(self):
        super().setUp()
        lines = []
        n = 0
        for i, junk in enumerate(BAD_UTF8):
            # junk in a page path (a visit, so that it reaches the report), in an external referrer
            # (so that it may become the guessed site), and in the user agent
            lines.append(log_line(n, b"/p" + junk + b"x/", client=b"10.0.%d.1" % i))
            lines.append(log_line(n + 1, b"/r/%d" % i, client=b"10.0.%d.2" % i,
                                  referer=b"https://ref" + junk + b".example/x" + junk))
            lines.append(log_line(n + 2, b"/u/%d" % i, client=b"10.0.%d.3" % i,
                                  ua=FIREFOX + b" " + junk + b"Bot" + junk))
            n += 3
        everything = b"".join(BAD_UTF8)
        lines.append(log_line(n, b"/all" + everything, client=b"10.1.0.1",
                              referer=b"https://all" + everything + b"/", ua=everything))
        self.count = len(lines)
        self.log = self.tmpfile("binary.log", b"".join(lines))

    def assertRan(self, p):
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])

    def test_json_report_is_strict_utf8(self):
        for extra in ([], ["-f", "combined"], ["--by", "hour"], ["--threads", "2"]):
            with self.subTest(extra=extra):
                p, r = run_json(*extra, self.log)
                self.assertRan(p)
                s = r["summary"]
                self.assertEqual((s["lines"], s["parsed"], s["malformed"]), (self.count, self.count, 0))
                # A byte that is not UTF-8 is a page key's %XX, as the client's escape of it would be:
                # never U+FFFD, which gave two pages one name (a review, 2026-12-07).
                self.assertTrue(any("%FF" in pg["path"] for pg in r["pages"]), r["pages"])
                self.assertFalse(any("\ufffd" in pg["path"] for pg in r["pages"]), r["pages"])
                self.assertNotIn(b"\x00", p.stdout)

    def test_ndjson_report_and_hits_are_strict_utf8(self):
        p = run("-F", "ndjson", self.log)
        self.assertRan(p)
        pages = strict_ndjson(p.stdout)
        self.assertGreaterEqual(len(pages), len(BAD_UTF8))
        for extra in ([], ["--explain"], ["--explain", "--show-ip"]):
            with self.subTest(extra=extra):
                p, hits = run_hits(*extra, self.log)
                self.assertRan(p)
                self.assertEqual([h["line"] for h in hits], list(range(1, self.count + 1)))
                self.assertTrue(all(h["path"] is None or h["path"].startswith("/") for h in hits))

    def test_tsv_report_has_one_record_per_line(self):
        p = run("-F", "tsv", self.log)
        self.assertRan(p)
        records = tsv_records(p.stdout, COLUMNS)
        _, r = run_json(self.log)
        self.assertEqual(len(records), len(r["pages"]))
        bad = control_bytes(p.stdout, allowed=b"\n\t")
        self.assertEqual(bad, [], show(p.stdout, bad))

    def test_hits_tsv_has_one_record_per_line(self):
        for extra, header in (([], HIT_COLUMNS), (["--show-ip"], HIT_COLUMNS + ["client"])):
            with self.subTest(extra=extra):
                p = run("--hits", "-F", "tsv", *extra, self.log)
                self.assertRan(p)
                records = tsv_records(p.stdout, header)
                self.assertEqual([int(rec[1]) for rec in records], list(range(1, self.count + 1)))
                bad = control_bytes(p.stdout, allowed=b"\n\t")
                self.assertEqual(bad, [], show(p.stdout, bad))

    def test_csv_report_parses_with_the_header_width(self):
        p = run("-F", "csv", self.log)
        self.assertRan(p)
        rows = list(csv.reader(io.StringIO(p.stdout.decode("utf-8", "surrogateescape"), newline="")))
        self.assertEqual(rows[0], COLUMNS)
        self.assertTrue(all(len(row) == len(COLUMNS) for row in rows), rows)

    def test_table_report_survives(self):
        p = run("-F", "table", self.log)
        self.assertRan(p)
        self.assertNotIn(b"\x00", p.stdout + p.stderr)


# ---------------------------------------------------------------------------------------------------
# 3. line endings, empty inputs

class LineEndingsTest(TempDirMixin, unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.lines = [log_line(i, b"/e/%d" % i, client=b"41.58.2.%d" % i) for i in range(5)]
        self.lf = b"".join(self.lines)

    def test_crlf_endings_read_like_lf(self):
        path = self.tmpfile("crlf.log", self.lf.replace(b"\n", b"\r\n"))
        p, r = run_json("-q", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        _, expected = run_json("-q", self.tmpfile("lf.log", self.lf))
        s = r["summary"]
        self.assertEqual((s["lines"], s["parsed"], s["malformed"]), (5, 5, 0))
        self.assertEqual(r["pages"], expected["pages"])
        _, hits = run_hits(path)
        self.assertFalse(any("\r" in json.dumps(h) for h in hits))
        self.assertEqual(run("-q", "-F", "tsv", path).stdout,
                         run("-q", "-F", "tsv", self.path("lf.log")).stdout)

    def test_final_line_without_newline(self):
        for name, data in (("nonl.log", self.lf[:-1]), ("crnonl.log", self.lf.replace(b"\n", b"\r\n")[:-2]),
                           ("cronly.log", self.lf.replace(b"\n", b"\r\n")[:-1])):
            with self.subTest(name):
                p, r = run_json("-q", self.tmpfile(name, data))
                self.assertEqual(p.returncode, 0, p.stderr)
                s = r["summary"]
                self.assertEqual((s["lines"], s["parsed"], s["malformed"]), (5, 5, 0))
                _, hits = run_hits(self.path(name))
                self.assertEqual([(h["line"], h["path"]) for h in hits],
                                 [(i + 1, "/e/%d" % i) for i in range(5)])
        p, r = run_json("-q", stdin=self.lf[:-1])  # the same from a pipe
        self.assertEqual((p.returncode, r["summary"]["parsed"]), (0, 5))

    def test_empty_file(self):
        path = self.tmpfile("empty.log", b"")
        for args in ((path,), (path, path), ("-",)):
            with self.subTest(args=args):
                p, r = run_json(*args)
                self.assertEqual(p.returncode, 0, p.stderr)
                s = r["summary"]
                self.assertEqual((s["lines"], s["parsed"], s["malformed"], s["bytes"]), (0, 0, 0, 0))
                self.assertEqual(r["pages"], [])
        p = run("--hits", path)
        self.assertEqual((p.returncode, p.stdout), (0, b""))
        p = run("-F", "table", path)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_file_of_only_newlines(self):
        for name, data, n in (("nl.log", b"\n" * 1000, 1000), ("crlf-nl.log", b"\r\n" * 1000, 1000)):
            with self.subTest(name):
                p, r = run_json(self.tmpfile(name, data))
                self.assertEqual(p.returncode, 0, p.stderr)
                s = r["summary"]
                self.assertEqual((s["lines"], s["parsed"], s["malformed"], s["empty"]), (n, 0, 0, n))
                self.assertEqual(s["bytes"], len(data))
                p = run("--hits", self.path(name))
                self.assertEqual((p.returncode, p.stdout), (0, b""))
        # empty lines around valid ones do not disturb detection or line numbers
        data = b"\n" * 60 + self.lines[0] + b"\n" + self.lines[1]
        _, hits = run_hits(self.tmpfile("gaps.log", data))
        self.assertEqual([h["line"] for h in hits], [61, 63])


# ---------------------------------------------------------------------------------------------------
# 4. damaged compressed files

class DamagedCompressionTest(TempDirMixin, unittest.TestCase):
    LINES = 20000  # ~3.4 MB of log

    @classmethod
    def setUpClass(cls):
        cls.data = random_log(cls.LINES)

    def assertReadUpToTheDamage(self, path, complete):
        """Status 1, stderr names the file, every line before the damage counted."""
        p, r = run_json(path)
        self.assertEqual(p.returncode, 1, p.stderr[-2000:])
        err = p.stderr.decode("utf-8", "replace")
        self.assertRegex(err, r"darkscan: error: .*" + re.escape(os.path.basename(path)))
        s = r["summary"]
        self.assertGreater(complete, 1000)
        self.assertGreaterEqual(s["parsed"], complete)
        self.assertLessEqual(s["lines"], complete + 1)  # at most the cut line more
        self.assertLessEqual(s["malformed"], 1)
        self.assertIsNotNone(s["inputs"][0]["error"])
        p, hits = run_hits(path)
        self.assertEqual(p.returncode, 1)
        self.assertEqual([h["line"] for h in hits], list(range(1, len(hits) + 1)))
        self.assertGreaterEqual(len(hits), complete)

    def _cut(self, name, packed):
        return self.tmpfile(name, packed[:len(packed) // 2])

    def _cli_pack(self, tool, *args):
        harness.require(shutil.which(tool), "the %s command (scripts/install-deps --tests)" % tool)
        return subprocess.run([tool, *args], input=self.data, stdout=subprocess.PIPE,
                              check=True, timeout=TIMEOUT).stdout

    def test_truncated_gzip(self):
        cut = self._cut("cut.log.gz", gzip.compress(self.data))
        with open(cut, "rb") as f:
            complete = zlib.decompressobj(wbits=31).decompress(f.read()).count(b"\n")
        self.assertReadUpToTheDamage(cut, complete)

    def test_gzip_with_garbage_after_the_member(self):
        member = gzip.compress(self.data)
        for name, tail in (("text.gz", b"this is not gzip\n"),
                           ("random.gz", random.Random(7).randbytes(4096)),
                           ("magic.gz", b"\x1f\x8b\x08\x00 not a member")):
            with self.subTest(name):
                path = self.tmpfile(name, member + tail)
                p, r = run_json(path)
                self.assertEqual(p.returncode, 1, p.stderr[-2000:])
                self.assertIn("darkscan: error:", p.stderr.decode("utf-8", "replace"))
                self.assertIn(name, p.stderr.decode("utf-8", "replace"))
                s = r["summary"]
                self.assertEqual((s["lines"], s["parsed"]), (self.LINES, self.LINES))
                self.assertEqual(s["bytes"], len(self.data))
                self.assertIsNotNone(s["inputs"][0]["error"])

    def test_gzip_broken_in_its_first_lines_names_the_damage(self):
        # A CRC error, or a file cut before its first line: the format was blamed ("cannot recognise
        # the log format ... give --log-format"), or "after line 0; the lines before it were read"
        # (a review, 2026-12-07).
        packed = bytearray(gzip.compress(self.data))
        packed[300:304] = b"\xff\xff\xff\xff"  # the deflate data, in the first lines
        crc = self.tmpfile("crc.log.gz", bytes(packed))
        short = self.tmpfile("short.log.gz", gzip.compress(self.data)[:20])
        for path, words in ((crc, "before its format could be recognised"), (short, "not one line could be read")):
            with self.subTest(os.path.basename(path)):
                p = run(path)
                err = p.stderr.decode("utf-8", "replace")
                self.assertEqual(p.returncode, 1, err)
                self.assertIn(words, err)
                self.assertNotIn("--log-format", err)

    def test_truncated_xz(self):
        packed = self._cli_pack("xz", "-c", "-T1")
        cut = self._cut("cut.log.xz", packed)
        with open(cut, "rb") as f:
            complete = lzma.LZMADecompressor().decompress(f.read()).count(b"\n")
        self.assertReadUpToTheDamage(cut, complete)

    def test_truncated_zstd(self):
        packed = self._cli_pack("zstd", "-q", "-c")
        cut = self._cut("cut.log.zst", packed)
        # what zstd itself recovers from the cut file (it fails, having written the complete blocks)
        with open(cut, "rb") as f:
            out = subprocess.run(["zstd", "-d", "-c", "-q"], stdin=f, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, timeout=TIMEOUT).stdout
        self.assertReadUpToTheDamage(cut, out.count(b"\n"))


# ---------------------------------------------------------------------------------------------------
# 5. bounded memory on compressed floods

@unittest.skipIf(os.environ.get("DARKSCAN_SANITIZED") == "1",
                 "peak memory is not meaningful under AddressSanitizer")
class BoundedMemoryTest(TempDirMixin, unittest.TestCase):
    def _gzip_stream(self, name, chunk, total):
        """Writes a gzip of `chunk` repeated up to `total` bytes; returns (path, bytes written)."""
        path = self.path(name)
        packer = zlib.compressobj(6, zlib.DEFLATED, 31)
        written = 0
        with open(path, "wb") as f:
            while written < total:
                f.write(packer.compress(chunk))
                written += len(chunk)
            f.write(packer.flush())
        return path, written

    def test_gzip_bomb_of_valid_lines_in_bounded_memory(self):
        line = log_line(0, b"/news/2026/11/flood", referer=b"https://www.example.com/")
        copies = (1 << 20) // len(line) + 1
        path, size = self._gzip_stream("bomb.log.gz", line * copies, 300 * 1000 * 1000)
        self.assertLess(os.path.getsize(path), 5 * 1024 * 1024)
        lines = size // len(line)
        for threads in ("1", "2"):
            with self.subTest(threads=threads):
                out = self.path("bomb.json")
                rc, rss, err, _ = run_measured(out, "-q", "-F", "json", "--threads", threads, path)
                self.assertEqual(rc, 0, err[-2000:])
                with open(out, "rb") as f:
                    s = strict_json(f.read())["summary"]
                self.assertEqual((s["lines"], s["parsed"], s["malformed"]), (lines, lines, 0))
                self.assertEqual(s["bytes"], size)
                self.assertEqual(s["page_views"], lines)
                self.assertLess(rss, MAX_RSS_KB, "peak RSS %d KiB for a %d MB gzip bomb"
                                % (rss, size // 1000000))

    def test_millions_of_blank_or_junk_lines_in_bounded_memory(self):
        """5 MB of blank lines, or of one-byte junk lines, after a few good ones: the parallel scan kept a
        hit and its preparation (520 bytes) for every line of a block in flight, 1.2 GB for the blank
        lines (a robustness review, 2026-12-06). Counted as ever: empty, or malformed."""
        good = b"".join(log_line(i, b"/page/%d" % i, client=b"41.58.1.%d" % i) for i in range(100))
        for name, filler, kind in (("blank.log", b"\n", "empty"), ("junk.log", b"x\n", "malformed")):
            path = self.tmpfile(name, good + filler * 5000000)
            for threads in ("1", "2"):
                with self.subTest(name=name, threads=threads):
                    out = self.path(name + ".json")
                    rc, rss, err, _ = run_measured(out, "-q", "-F", "json", "--threads", threads, path)
                    self.assertIn(rc, (0, 1), err[-2000:])
                    with open(out, "rb") as f:
                        s = strict_json(f.read())["summary"]
                    self.assertEqual((s["lines"], s["parsed"]), (5000100, 100))
                    self.assertEqual(s[kind], 5000000)
                    self.assertLess(rss, MAX_RSS_KB, "peak RSS %d KiB for %s" % (rss, name))

    def test_gzip_of_one_huge_line_in_bounded_memory(self):
        path, size = self._gzip_stream("noline.gz", b"A" * (1 << 20), 100 * 1024 * 1024)
        out = self.path("noline.json")
        rc, rss, err, seconds = run_measured(out, "-q", "-F", "json", path)
        self.assertEqual(rc, 1, err[-2000:])  # no line could be read: an error, with the report
        self.assertIn(b"raise --max-line-length", err)
        with open(out, "rb") as f:
            s = strict_json(f.read())["summary"]
        self.assertEqual((s["lines"], s["parsed"], s["malformed"], s["overlong"]), (1, 0, 1, 1))
        self.assertEqual(s["bytes"], size)
        self.assertLess(rss, MAX_RSS_KB, "peak RSS %d KiB for one 100 MB line" % rss)
        self.assertLess(seconds, 30)
        # the same line with a raised cap is still refused within the cap's memory
        rc, rss, err, _ = run_measured(out, "-q", "-F", "json", "--max-line-length", str(1 << 20), path)
        self.assertEqual(rc, 1, err[-2000:])
        self.assertLess(rss, MAX_RSS_KB)


# ---------------------------------------------------------------------------------------------------
# 6. files that change while read

class ChangingFileTest(TempDirMixin, unittest.TestCase):
    """The file changes while darkscan reads it. /proc/PID/fdinfo tells when darkscan has the file open
    and how far it has read, so that the change happens in the middle of the read, not before it."""
    BLOCK = 20000   # lines in one generated block
    BLOCKS = 6      # the initial file: ~20 MB, 120,000 lines

    @classmethod
    def setUpClass(cls):
        harness.require(os.path.isdir("/proc/self/fdinfo"), "/proc/PID/fdinfo (a mounted /proc)")
        cls.block = random_log(cls.BLOCK, seed=3)
        cls.batch = random_log(1000, seed=4)  # appended lines, 1000 at a time

    def setUp(self):
        super().setUp()
        self.log = self.tmpfile("access.log", self.block * self.BLOCKS)
        self.initial = self.BLOCK * self.BLOCKS
        self.size = len(self.block) * self.BLOCKS

    def _start(self, *extra):
        return subprocess.Popen([BIN, "-q", "-F", "json", "--threads", "1", *extra, self.log],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env())

    def _position(self, proc):
        """darkscan's read offset in self.log, or None if it does not have the file open."""
        try:
            for fd in os.listdir("/proc/%d/fd" % proc.pid):
                try:
                    if os.readlink("/proc/%d/fd/%s" % (proc.pid, fd)) != self.log:
                        continue
                    with open("/proc/%d/fdinfo/%s" % (proc.pid, fd)) as f:
                        for line in f:
                            if line.startswith("pos:"):
                                return int(line.split()[1])
                except OSError:
                    pass
        except OSError:
            pass
        return None

    def _wait_reading(self, proc, at_least):
        """Waits until darkscan has read `at_least` bytes of the file (None if it ended first)."""
        deadline = time.monotonic() + 20
        while proc.poll() is None and time.monotonic() < deadline:
            pos = self._position(proc)
            if pos is not None and pos >= at_least:
                return pos
            time.sleep(0.0005)
        return None

    def _finish(self, proc):
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        p = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        self.assertNotKilled(p)
        self.assertIn(p.returncode, (0, 1), err[-2000:])
        if p.returncode == 1:
            self.assertIn(b"darkscan: error:", err)
        return p, strict_json(out)

    def test_file_growing_while_read(self):
        proc = self._start()
        written = 0
        try:
            self._wait_reading(proc, 1)
            with open(self.log, "ab") as f:
                # ~50 MB at most, so that a reader that follows the growth still comes to an end
                while written < 300 and proc.poll() is None:
                    f.write(self.batch)
                    f.flush()
                    written += 1
                    time.sleep(0.001)
        finally:
            p, r = self._finish(proc)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        s = r["summary"]
        self.assertGreaterEqual(s["parsed"], self.initial)
        self.assertLessEqual(s["lines"], self.initial + written * 1000)
        self.assertLessEqual(s["malformed"], 1)  # at most a line caught half-written
        self.assertLessEqual(s["bytes"], self.size + written * len(self.batch))

    def test_copytruncate_while_read(self):
        shutil.copyfile(self.log, self.log + ".1")  # logrotate copytruncate: copy, then truncate
        proc = self._start()
        try:
            self._wait_reading(proc, 64 * 1024)
            os.truncate(self.log, 0)
            with open(self.log, "ab") as f:  # the server goes on logging
                f.write(self.batch)
        finally:
            p, r = self._finish(proc)
        s = r["summary"]
        self.assertLessEqual(s["lines"], self.initial + 1000)
        self.assertLessEqual(s["parsed"] + s["malformed"], s["lines"])
        self.assertLessEqual(s["bytes"], self.size + len(self.batch))

    def test_truncated_to_nothing_while_read(self):
        proc = self._start()
        try:
            self._wait_reading(proc, 64 * 1024)
            os.truncate(self.log, 0)
        finally:
            p, r = self._finish(proc)
        self.assertLessEqual(r["summary"]["lines"], self.initial)
        self.assertLessEqual(r["summary"]["bytes"], self.size)

    def test_renamed_while_read(self):
        proc = self._start()
        try:
            pos = self._wait_reading(proc, 1)
            os.rename(self.log, self.log + ".1")
            with open(self.log, "wb") as f:  # the new file of logrotate's `create`
                f.write(self.batch)
        finally:
            p, r = self._finish(proc)
        self.assertIsNotNone(pos, "darkscan ended before it was seen reading the file")
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        s = r["summary"]
        # the open file is read to its end, and only it
        self.assertEqual((s["lines"], s["parsed"], s["bytes"]), (self.initial, self.initial, self.size))


# ---------------------------------------------------------------------------------------------------
# 7. terminal safety

class TerminalSafetyTest(TempDirMixin, unittest.TestCase):
    FORBIDDEN = [b"\x1b", b"\r", b"\x07", b"\x08", b"\xc2\x9b"]

    def _evil_log(self, junk):
        return (log_line(0, b"/a" + junk, client=b"10.9.0.1")
                + log_line(1, b"/b", client=b"10.9.0.2", referer=b"http://ref" + junk + b"/x" + junk,
                           ua=FIREFOX + junk)
                + b"malformed " + junk + b" line\n"
                + log_line(3, b"/c", client=b"10.9.0.3", ua=b"Evil" + junk))

    def assertNoControl(self, data, what, allowed=b"\n"):
        for needle in self.FORBIDDEN:
            i = data.find(needle)
            self.assertEqual(i, -1, "%s holds %r: %r" % (what, needle, data[max(0, i - 30):i + 30]))
        bad = control_bytes(data, allowed)
        self.assertEqual(bad, [], "%s: %r" % (what, show(data, bad)))

    def test_table_and_stderr_hold_no_control_sequence(self):
        data = self._evil_log(TERMINAL_JUNK)
        plain = self.tmpfile("evil.log", data)
        named = os.path.join(self.tmp.encode(), b"name" + TERMINAL_JUNK + b".log")
        with open(named, "wb") as f:
            f.write(data)
        unknown = os.path.join(self.tmp.encode(), b"unknown" + TERMINAL_JUNK + b".log")
        with open(unknown, "wb") as f:  # no preset fits: the error quotes its first line
            f.write(b"garbage " + TERMINAL_JUNK + b"\n")
        missing = os.path.join(self.tmp.encode(), b"missing" + TERMINAL_JUNK + b".log")
        plain = os.fsencode(plain)
        cases = [
            ("report", [plain], 0),
            ("file names", [named, unknown, missing], 1),
            ("forced format", [b"-f", b"combined", named], 0),
            ("strict", [b"--strict", named], 3),
            ("keep-param", [b"--keep-param", b"x" + TERMINAL_JUNK, plain], 0),
            ("bad log format", [b"-f", TERMINAL_JUNK, plain], 2),
            ("bad since", [b"--since", TERMINAL_JUNK, plain], 2),
            ("bad site", [b"--site", TERMINAL_JUNK, plain], 0),
        ]
        for what, args, status in cases:
            with self.subTest(what):
                p = subprocess.run([os.fsencode(BIN), b"-F", b"table", *args],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=TIMEOUT, env=env())
                self.assertEqual(p.returncode, status, p.stderr)
                self.assertNoControl(p.stdout, "stdout")
                self.assertNoControl(p.stderr, "stderr")
                if status in (0, 1):
                    self.assertIn(b"Summary", p.stdout)
        # the hostile text is shown escaped, not dropped (a raw control byte in a path is the
        # client's %XX since 2026-12-07: one page, one name whatever the log's format)
        p = run("-F", "table", plain)
        self.assertIn(b"/a%1B[31mRED", p.stdout)
        p = run("-F", "table", "-f", "combined", "--", os.fsdecode(named))
        self.assertIn(b"name\\x1B[31mRED", p.stderr)

    def test_rules_ua_holds_no_control_sequence(self):
        # `darkscan rules ua` echoes nothing of its input but verdicts; a hostile UA must not change that
        uas = b"Mozilla/5.0 " + TERMINAL_JUNK + b"\nWhatsApp/2 " + TERMINAL_JUNK + b"\n"
        p = run("rules", "ua", stdin=uas)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNoControl(p.stdout, "stdout", allowed=b"\n\t")  # a TSV of verdicts
        self.assertNoControl(p.stderr, "stderr")

    def test_csv_and_tsv_hold_no_control_sequence(self):
        # `cat report.csv` must not run escape sequences: CSV once passed ESC, BEL, BS and C1 bytes
        # through (RFC 4180 allows them). CR/LF stay inside quoted CSV fields; TSV escapes them too.
        junk = TERMINAL_JUNK + b"\x9b[2J\x00NUL"
        path = self.tmpfile("evil.log", self._evil_log(junk).replace(b"malformed", b"mal"))
        for fmt, allowed in (("csv", b"\r\n"), ("tsv", b"\n\t"), ("ndjson", b"\n")):
            with self.subTest(fmt):
                p = run("-F", fmt, "--min-visits", "0", path)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn(b"/a", p.stdout)
                self.assertEqual(control_bytes(p.stdout, allowed), [], show(p.stdout, control_bytes(p.stdout, allowed)))
                self.assertNotIn(b"\x1b", p.stdout)
                self.assertNotRegex(p.stdout, rb"[\x80-\x9f]" if fmt != "ndjson" else rb"\xc2[\x80-\x9f]")
        rows = list(csv.reader(io.StringIO(run("-F", "csv", path).stdout.decode("utf-8"), newline="")))
        paths = [r[0] for r in rows[1:]]
        self.assertIn("/a%1B[31mRED%1B]0;title%07%0DCR%08BS\\xC2\\x9BC1%9B[2J%00NUL", paths)

    def test_lone_c1_bytes_are_escaped_in_the_table(self):
        # A lone byte 0x80..0x9F (not valid UTF-8) once reached the table and stderr raw. 0x9B is
        # the 8-bit CSI: a terminal not in UTF-8 mode (ISO 8859, or one that honours 8-bit
        # controls) reads "\x9b[31m" as an escape sequence; it is shown as \x9B like other bytes.
        junk = b"\x9b[31mRED\x9b2J\x90q\x9c"
        path = self.tmpfile("c1.log", self._evil_log(junk))
        p = run("-F", "table", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        for what, out in (("stdout", p.stdout), ("stderr", p.stderr)):
            # the output is ASCII here: every byte 0x80..0x9F in it is a raw C1 control
            self.assertNotRegex(out, rb"[\x80-\x9f]", what)


# ---------------------------------------------------------------------------------------------------
# 8. CSV safety

class CsvSafetyTest(TempDirMixin, unittest.TestCase):
    FORMULA = ("=", "+", "-", "@", "\t", "\r")

    def _csv(self, stdout):
        text = stdout.decode("utf-8")
        self.assertTrue(text.endswith("\r\n"), "CSV records end with CRLF")
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))  # strict: bad quoting raises
        self.assertEqual(rows[0], COLUMNS)
        for row in rows:
            self.assertEqual(len(row), len(COLUMNS), row)
            for field in row:
                self.assertFalse(field.startswith(self.FORMULA), "a field starts like a formula: %r"
                                 % field)
        return rows

    def test_formula_like_paths_are_defused(self):
        targets = [b"=HYPERLINK(\"http://evil/\")", b"=1+1", b"+1+1", b"-2+3", b"@SUM(A1)",
                   b"\t=cmd", b"=x", b"+x", b"-x", b"@x"]
        data = b"".join(log_line(i, t, client=b"10.7.0.%d" % i) for i, t in enumerate(targets))
        data += log_line(50, b"/plain", client=b"10.7.1.1")
        path = self.tmpfile("formula.log", data)
        p, hits = run_hits("-f", COMBINED_RAW_QUOTES, path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(hits), len(targets) + 1)  # a raw tab in the request is accepted
        _, r = run_json("-f", COMBINED_RAW_QUOTES, path)
        accepted = [pg["path"] for pg in r["pages"]]
        p = run("-F", "csv", "-f", COMBINED_RAW_QUOTES, path)
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = self._csv(p.stdout)
        csv_paths = [row[0] for row in rows[1:]]
        self.assertEqual(csv_paths, ["'" + x if x.startswith(self.FORMULA) else x for x in accepted])
        self.assertIn("/plain", csv_paths)

    def test_formula_like_app_names_are_defused(self):
        # app names come from rules, and a rules file can be shared: '=', '+' and '@' are refused
        # in them, and a leading '-' (allowed) is defused in CSV
        rules = self.path("rules")
        os.mkdir(rules)
        for bad in (b"=eq", b"+plus", b"@at"):
            with open(os.path.join(rules, "agents.rules"), "wb") as f:
                f.write(b"ua.inapp.x  messaging  " + bad + b"  XChat/\n")
            p = run("-F", "csv", "--rules", rules, "--", self.tmpfile("none.log", b""))
            self.assertEqual(p.returncode, 2, bad)
            self.assertIn(b"agents.rules:1: bad app name", p.stderr)
        with open(os.path.join(rules, "agents.rules"), "wb") as f:
            f.write(b"ua.preview.minus  preview    -minus  MinusPreview/\n"
                    b"ua.preview.at     preview    -at     AtPreview/\n"
                    b"ua.inapp.eq       messaging  -eq     EqChat/\n")
        data = (log_line(0, b"/a/story", client=b"10.8.0.1", ua=b"MinusPreview/1.0")
                + log_line(1, b"/a/story", client=b"10.8.0.2", ua=b"AtPreview/1.0")
                + log_line(2, b"/a/story", client=b"10.8.0.3", ua=b"AtPreview/1.0")
                + log_line(60, b"/a/story", client=b"10.8.0.4")
                + log_line(60, b"/b/story", client=b"10.8.0.5", ua=FIREFOX + b" EqChat/2"))
        path = self.tmpfile("apps.log", data)
        p = run("-F", "csv", "--rules", rules, "--", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = self._csv(p.stdout)
        by_path = {row[0]: row for row in rows[1:]}
        self.assertEqual(by_path["/a/story"][13], "'-at")
        previews = by_path["/a/story"][12]
        self.assertTrue(previews.startswith("'"), previews)
        self.assertEqual(sorted(previews[1:].split(",")), ["-at:2", "-minus:1"])
        self.assertEqual(by_path["/b/story"][13], "'-eq")

    def test_quotes_commas_and_breaks_are_quoted(self):
        targets = [b'/q"uote', b'/a\\"pache', b"/com,ma", b"/cr\rhere", b'/"z', b'/x""y',
                   b"/tab\there", b"/semi;colon"]
        data = b"".join(log_line(i, t, client=b"10.6.0.%d" % i) for i, t in enumerate(targets))
        path = self.tmpfile("quotes.log", data)
        _, r = run_json("-f", COMBINED_RAW_QUOTES, path)
        self.assertEqual(r["summary"]["malformed"], 0)
        p = run("-F", "csv", "-f", COMBINED_RAW_QUOTES, path)
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = self._csv(p.stdout)
        self.assertEqual([row[0] for row in rows[1:]], [pg["path"] for pg in r["pages"]])
        self.assertIn(b'"/q""uote"', p.stdout)
        self.assertIn(b'"/""z"', p.stdout)
        self.assertIn(b'"/x""""y"', p.stdout)
        self.assertIn(b'/a%22pache,', p.stdout)  # Apache's \" is the client's %22 (one page, one key)
        self.assertIn(b'/cr%0Dhere,', p.stdout)  # a raw CR in a path is the client's %0D
        self.assertIn(b'"/com,ma"', p.stdout)


# ---------------------------------------------------------------------------------------------------
# 9. the fuzz corpus as logs

class FuzzCorpusTest(unittest.TestCase):
    def _inputs(self):
        files = []
        for top in FUZZ_DIRS:
            if not os.path.isdir(top):
                continue
            for target in sorted(os.listdir(top)):
                folder = os.path.join(top, target)
                if os.path.isdir(folder):
                    files += [os.path.join(folder, f) for f in sorted(os.listdir(folder))
                              if os.path.isfile(os.path.join(folder, f))]
        self.assertTrue(files, "no inputs in fuzz/corpus or fuzz/regressions")
        # DARKSCAN_CORPUS_STRIDE=K keeps every K-th corpus file and every regression: scripts/test sets
        # it for the sanitizer build, where the fuzz_replay_* tests already run every corpus file
        # through the same code in-process, and this pass over the binary took 20 minutes.
        stride = int(os.environ.get("DARKSCAN_CORPUS_STRIDE", "1"))
        return [f for i, f in enumerate(files) if i % stride == 0 or "regressions" in f]

    def assertSurvived(self, p, name):
        self.assertGreaterEqual(p.returncode, 0, "%s: killed by signal %d" % (name, -p.returncode))
        self.assertIn(p.returncode, (0, 1), "%s: %r" % (name, p.stderr[-1000:]))
        self.assertNotIn(b"terminate called", p.stderr)

    def test_corpus_files_as_logs(self):
        for path in self._inputs():
            name = os.path.relpath(path, ROOT)
            with self.subTest(name):
                p = run("-q", "-F", "json", path)
                self.assertSurvived(p, name)
                self.assertTrue(p.stdout, name)
                strict_json(p.stdout)
                p = run("-q", "--hits", path)
                self.assertSurvived(p, name)
                strict_ndjson(p.stdout)
                p = run("-q", "-F", "table", path)
                self.assertSurvived(p, name)
                self.assertNotIn(b"\x1b", p.stdout)


# ---------------------------------------------------------------------------------------------------
# 10. bad configuration

class BadConfigTest(TempDirMixin, unittest.TestCase):
    def assertUsageError(self, args, *needles):
        p = run(*args, "-")
        self.assertEqual(p.returncode, 2, (args, p.stderr))
        err = p.stderr.decode("utf-8", "replace")
        self.assertTrue(err.startswith("darkscan: error:"), err)
        for bad in ("Traceback", "terminate called", "Aborted", "what()", "Assertion", "Sanitizer"):
            self.assertNotIn(bad, err)
        for needle in needles:
            self.assertIn(needle, err)
        self.assertEqual(p.stdout, b"")
        return err

    def test_bad_log_formats(self):
        cases = [
            ("", "--log-format"),
            ("   ", "--log-format"),
            ("${", "never closed"),
            ('$remote_addr "${request', "never closed"),
            ("%{", "never closed"),
            ('%h "%r" %{Referer', "never closed"),
            ("%Z", "%Z"),
            ('%h %Z "%r"', "%Z"),
            ("$", "--log-format"),
            ('$remote_addr "$request" $', "--log-format"),
            ("%", "--log-format"),
            ('%h "%r" %', "--log-format"),
            ("only some text", "--log-format"),
            ("log_format main '';", "--log-format"),
            ('LogFormat "" combined', "--log-format"),
            ("$remote_addr $status", "--log-format"),  # no request field
            ("x" * 100000, "--log-format"),
        ]
        for fmt, needle in cases:
            with self.subTest(fmt=fmt[:40]):
                self.assertUsageError(["-f", fmt], needle)

    def _rules(self, pattern):
        rules = self.path("rules")
        os.makedirs(rules, exist_ok=True)
        agents = os.path.join(rules, "agents.rules")
        with open(agents, "wb") as f:
            f.write(b"# hostile\nua.bot.x bot - " + pattern + b"\n")
        return rules, agents

    def test_backtracking_regex_refused(self):
        for pattern in (b"(a+)+\\1", b"(?<=x)y", b"(?=x)y", b"(?!x)y", b"(a)\\1"):
            with self.subTest(pattern=pattern):
                rules, agents = self._rules(pattern)
                err = self.assertUsageError(["--rules", rules, "--"], agents + ":2:", "RE2", "backtrack")
                p = run("rules", "check", rules)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn((agents + ":2:").encode(), p.stderr)

    def test_nested_quantifier_accepted_and_linear(self):
        # (a+)+$ is the classic catastrophic pattern for a backtracking engine; RE2 runs it in linear time
        rules, _ = self._rules(b"(a+)+$")
        ua = b"a" * 60000 + b"!"
        start = time.monotonic()
        p = run("rules", "ua", "--rules", rules, stdin=ua + b"\n" + b"a" * 30 + b"\n", timeout=20)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 2)
        data = b"".join(log_line(i, b"/p/%d" % i, client=b"10.5.0.%d" % i, ua=ua[:60000 - i] + b"!")
                        for i in range(50))
        p, r = run_json("--rules", rules, "--", self.tmpfile("slow.log", data), timeout=20)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(r["summary"]["parsed"], 50)
        self.assertLess(time.monotonic() - start, 10)


if __name__ == "__main__":
    harness.main()
