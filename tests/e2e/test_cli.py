#!/usr/bin/env python3
"""End-to-end tests of the darkscan command line (Python 3 stdlib only).

    python3 tests/e2e/test_cli.py [-v] [SamplesTest|InputTest|ErrorsTest]

Environment:
    DARKSCAN       the binary (default: build/darkscan under the repo root)
    DARKSCAN_ROOT  the repo root (default: two levels above this script)

Besides samples/, some tests read real logs from ../shared/data/logs/ (relative
to the repo root) and skip when that folder is absent. They are read in place,
never copied. Origins and licences (see ../shared/data/README.md):
  - elastic-apache-combined.log: elastic/examples, "Common Data Formats/apache_logs/apache_logs",
    Apache-2.0.
  - zanbil-combined-xff-1000.log: tstack/lnav, test/logfile_shop_access_log.0 (first 1,000 lines
    of the Zanbil log), BSD-2-Clause / CC0.
These logs hold real client addresses: the tests run them with -q and never print their lines.
"""

import collections
import datetime
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import zlib

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or "build/darkscan"
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
SAMPLES = os.path.join(ROOT, "samples")
SHARED_LOGS = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "logs"))

# (file, detected format, lines) from samples/README.md
PRESET_SAMPLES = [
    ("combined.log", "combined", 334),
    ("common.log", "common", 298),
    ("vcombined.log", "vcombined", 330),
    ("combined-xff.log", "combined-xff", 320),
]

QUOTED = r'"((?:[^"\\]|\\.)*)"'
COMBINED_RE = re.compile(r'^(\S+) (\S+) (\S+) \[([^\]]+)\] ' + QUOTED + r' (\d{3}) (\d+|-) '
                         + QUOTED + ' ' + QUOTED + r'$')
REQUEST_RE = re.compile(r'^[A-Z]+ (\S+)(?: HTTP/\d(?:\.\d)?)?$')
MONTHS = {m: i + 1 for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}


def sample(name):
    return os.path.join(SAMPLES, name)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def run(*args, stdin=None):
    """Runs darkscan; stdout and stderr are bytes, stdin bytes or None (empty)."""
    return subprocess.run([BIN, *args], input=stdin if stdin is not None else b"",
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def run_json(*args, stdin=None):
    p = run("-F", "json", *args, stdin=stdin)
    text = p.stdout.decode("utf-8")  # strict: the report must be valid UTF-8
    return p, (json.loads(text) if text else None)


def tsv_rows(stdout):
    lines = stdout.decode("utf-8", "surrogateescape").split("\n")
    assert lines[0] == "path\thits", lines[:1]
    assert lines[-1] == "", "TSV output must end with a newline"
    rows = []
    for line in lines[1:-1]:
        path, hits = line.rsplit("\t", 1)
        rows.append((path, int(hits)))
    return rows


def pages_dict(report):
    return {p["path"]: p["hits"] for p in report["pages"]}


def clf_time_to_utc(text):
    """'20/Nov/2026:06:00:04 +0100' -> '2026-11-20T05:00:04Z' (locale independent)."""
    m = re.fullmatch(r"(\d\d)/(\w{3})/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)", text)
    day, mon, year, hh, mm, ss, sign, oh, om = m.groups()
    offset = datetime.timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
    t = datetime.datetime(int(year), MONTHS[mon], int(day), int(hh), int(mm), int(ss),
                          tzinfo=datetime.timezone(offset))
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def independent_combined_count(data):
    """Page hits of a combined log computed without darkscan: (Counter, times, non-matching lines)."""
    counts, times, bad = collections.Counter(), [], []
    for number, raw in enumerate(data.split(b"\n"), 1):
        line = raw.decode("latin-1").rstrip("\r")
        if not line:
            continue
        m = COMBINED_RE.match(line)
        if not m:
            bad.append(number)
            continue
        times.append(clf_time_to_utc(m.group(4)))
        r = REQUEST_RE.match(m.group(5))
        if r:
            counts[r.group(1).split("?", 1)[0]] += 1
    return counts, times, bad


def expected_tsv_order(counter):
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


class TempDirMixin:
    def setUp(self):
        super().setUp()
        self._tmp = tempfile.TemporaryDirectory(prefix="darkscan-e2e-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()
        super().tearDown()

    def tmpfile(self, name, data):
        return write_bytes(os.path.join(self.tmp, name), data)


class SamplesTest(unittest.TestCase):
    def test_presets_autodetected_without_malformed(self):
        for name, fmt, lines in PRESET_SAMPLES:
            with self.subTest(name):
                self.assertEqual(read_bytes(sample(name)).count(b"\n"), lines)  # README vs file
                p, r = run_json(sample(name))
                self.assertEqual(p.returncode, 0, p.stderr)
                s = r["summary"]
                self.assertEqual(s["inputs"][0]["format"], fmt)
                self.assertEqual(s["inputs"][0]["codec"], "plain")
                self.assertIsNone(s["inputs"][0]["error"])
                self.assertEqual((s["lines"], s["parsed"], s["malformed"], s["empty"]),
                                 (lines, lines, 0, 0))
                self.assertEqual(s["bytes"], os.path.getsize(sample(name)))
                self.assertEqual(s["malformed_examples"], [])
                self.assertRegex(p.stderr.decode(),
                                 r"^darkscan: 1 input, %d lines \([\d.]+ MB\) in [\d.]+ s: "
                                 r"%d parsed, 0 malformed\n$" % (lines, lines))

    def test_preset_aliases_and_wrong_preset(self):
        for alias, name in [("clf", "common.log"), ("nginx-main-xff", "combined-xff.log"),
                            ("vhost_combined", "vcombined.log"), ("combined", "combined.log")]:
            with self.subTest(alias):
                p, r = run_json("-f", alias, sample(name))
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(r["summary"]["malformed"], 0)
                self.assertEqual(r["summary"]["parsed"], r["summary"]["lines"])
        # A forced preset that does not fit makes every line malformed, nothing is counted.
        p, r = run_json("-f", "common", sample("combined.log"))
        self.assertEqual((r["summary"]["parsed"], r["summary"]["malformed"]), (0, 334))
        self.assertEqual(r["pages"], [])

    def test_custom_formats_with_format_string(self):
        for name, lines, first in [("nginx-custom", 308, "2026-11-20T05:00:04Z"),
                                   ("apache-custom", 312, "2026-11-20T06:00:04Z")]:
            with self.subTest(name):
                fmt = read_bytes(sample(name + ".format")).decode().strip("\n")
                p, r = run_json("-f", fmt, sample(name + ".log"))
                self.assertEqual(p.returncode, 0, p.stderr)
                s = r["summary"]
                self.assertEqual((s["lines"], s["parsed"], s["malformed"]), (lines, lines, 0))
                self.assertEqual(s["first_time"], first)
                self.assertGreater(s["page_hits"], lines - 5)
                self.assertEqual(sum(pages_dict(r).values()), s["page_hits"])

    def test_custom_formats_are_not_autodetected(self):
        for name in ("nginx-custom.log", "apache-custom.log"):
            with self.subTest(name):
                p = run(sample(name))
                self.assertEqual(p.returncode, 65)
                err = p.stderr.decode()
                self.assertIn("darkscan: error:", err)
                self.assertIn(sample(name), err)
                self.assertRegex(err, r"line \d+")
                self.assertIn("--log-format", err)

    def test_combined_tsv_matches_independent_count(self):
        counts, _, bad = independent_combined_count(read_bytes(sample("combined.log")))
        self.assertEqual(bad, [])
        p = run(sample("combined.log"))  # stdout is a pipe: TSV by default
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(tsv_rows(p.stdout), expected_tsv_order(counts))
        _, r = run_json(sample("combined.log"))
        self.assertEqual(r["summary"]["page_hits"], sum(counts.values()))
        self.assertEqual(r["summary"]["pages"], len(counts))
        self.assertEqual(r["summary"]["invalid_requests"], 334 - sum(counts.values()))

    def test_json_pages_sum_to_page_hits(self):
        for name, _, _ in PRESET_SAMPLES:
            with self.subTest(name):
                _, r = run_json(sample(name))
                s = r["summary"]
                self.assertEqual(sum(p["hits"] for p in r["pages"]), s["page_hits"])
                self.assertEqual(len(r["pages"]), s["pages"])
                self.assertEqual(s["page_hits"] + s["invalid_requests"], s["parsed"])
                self.assertTrue(all("?" not in p["path"] for p in r["pages"]))
                order = [(-p["hits"], p["path"]) for p in r["pages"]]
                self.assertEqual(order, sorted(order))

    def test_time_span_of_combined(self):
        _, times, _ = independent_combined_count(read_bytes(sample("combined.log")))
        _, r = run_json(sample("combined.log"))
        self.assertEqual(r["summary"]["first_time"], min(times))
        self.assertEqual(r["summary"]["last_time"], max(times))
        self.assertEqual(min(times), "2026-11-20T05:00:04Z")  # first line is 06:00:04 +0100

    def test_broken_log(self):
        path = sample("broken.log")
        p, r = run_json(path)
        self.assertEqual(p.returncode, 0, p.stderr)
        s = r["summary"]
        self.assertEqual((s["lines"], s["parsed"], s["malformed"], s["empty"]), (20, 14, 5, 1))
        self.assertEqual([e["line"] for e in s["malformed_examples"]], [3, 7, 9, 13, 15])
        self.assertTrue(all(e["file"] == path and e["reason"] for e in s["malformed_examples"]))
        err = p.stderr.decode()
        self.assertIn(": 14 parsed, 5 malformed, 1 empty\n", err)
        self.assertIn("darkscan: malformed lines:\n", err)
        listed = re.findall(r"^  (.+):(\d+): \S", err, re.M)
        self.assertEqual(listed, [(path, n) for n in ("3", "7", "9", "13", "15")])
        # Timestamps of valid lines run 08:15:00 .. 08:18:30 +0100
        self.assertEqual((s["first_time"], s["last_time"]),
                         ("2026-11-20T07:15:00Z", "2026-11-20T07:18:30Z"))

    def test_quiet_suppresses_summary(self):
        p = run("-q", sample("broken.log"))
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stderr, b"")
        self.assertTrue(p.stdout.startswith(b"path\thits\n"))

    @unittest.skipUnless(os.path.isdir(SHARED_LOGS), "../shared/data/logs is absent")
    def test_shared_elastic_apache_combined(self):
        path = os.path.join(SHARED_LOGS, "elastic-apache-combined.log")
        _, _, bad = independent_combined_count(read_bytes(path))
        p, r = run_json("-q", path)
        self.assertEqual(p.returncode, 0)
        s = r["summary"]
        self.assertEqual(s["inputs"][0]["format"], "combined")
        self.assertEqual((s["lines"], s["parsed"], s["malformed"]), (10000, 9999, 1))
        self.assertEqual([e["line"] for e in s["malformed_examples"]], bad)  # the truncated line
        self.assertEqual(sum(pages_dict(r).values()), s["page_hits"])

    @unittest.skipUnless(os.path.isdir(SHARED_LOGS), "../shared/data/logs is absent")
    def test_shared_zanbil_combined_xff(self):
        path = os.path.join(SHARED_LOGS, "zanbil-combined-xff-1000.log")
        p, r = run_json("-q", path)
        self.assertEqual(p.returncode, 0)
        s = r["summary"]
        self.assertEqual(s["inputs"][0]["format"], "combined-xff")
        self.assertEqual((s["lines"], s["parsed"], s["malformed"]), (1000, 1000, 0))


class InputTest(TempDirMixin, unittest.TestCase):
    def assertSameReport(self, a, b, ignore_input_fields=("name", "codec")):
        """Same pages and same summary, except the listed per-input fields."""
        self.assertEqual(a["pages"], b["pages"])
        sa, sb = dict(a["summary"]), dict(b["summary"])
        ia, ib = sa.pop("inputs"), sb.pop("inputs")
        sa.pop("malformed_examples"), sb.pop("malformed_examples")
        self.assertEqual(sa, sb)
        strip = lambda inputs: [{k: v for k, v in i.items() if k not in ignore_input_fields}
                                for i in inputs]
        self.assertEqual(strip(ia), strip(ib))

    def test_stdin_equals_file(self):
        data = read_bytes(sample("vcombined.log"))
        _, from_file = run_json(sample("vcombined.log"))
        for args in ([], ["-"]):
            with self.subTest(args=args):
                p, r = run_json(*args, stdin=data)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(r["summary"]["inputs"][0]["name"], "(stdin)")
                self.assertEqual(r["summary"]["inputs"][0]["format"], "vcombined")
                self.assertSameReport(r, from_file)

    def test_gzip_equals_plain(self):
        gz = sample("combined.log.gz")
        p, from_gz = run_json(gz)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(from_gz["summary"]["inputs"][0]["codec"], "gzip")
        _, piped = run_json("-", stdin=gzip.decompress(read_bytes(gz)))
        self.assertEqual(piped["summary"]["inputs"][0]["codec"], "plain")
        self.assertEqual(from_gz["summary"]["lines"], 130)
        self.assertSameReport(from_gz, piped)
        # gzip arriving on stdin is decoded too
        _, gz_stdin = run_json(stdin=read_bytes(gz))
        self.assertEqual(gz_stdin["summary"]["inputs"][0]["codec"], "gzip")
        self.assertSameReport(gz_stdin, from_gz)

    def test_multimember_gzip_reads_all_members(self):
        _, single = run_json(sample("combined.log.gz"))
        p, multi = run_json(sample("rotated-multimember.log.gz"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual((multi["summary"]["lines"], multi["summary"]["parsed"]), (130, 130))
        self.assertSameReport(multi, single)

    def test_bzip2_xz_zstd_made_by_cli_tools(self):
        plain = read_bytes(sample("combined.log"))
        _, expected = run_json(sample("combined.log"))
        for tool in ("bzip2", "xz", "zstd"):
            with self.subTest(tool):
                if not shutil.which(tool):
                    self.skipTest(tool + " is not installed")
                packed = subprocess.run([tool, "-c"], input=plain, stdout=subprocess.PIPE,
                                        check=True).stdout
                path = self.tmpfile("access.log." + tool, packed)
                p, r = run_json(path)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(r["summary"]["inputs"][0]["codec"], tool)
                self.assertSameReport(r, expected)

    def test_codec_from_magic_bytes_not_name(self):
        disguised = self.tmpfile("access.log", read_bytes(sample("combined.log.gz")))
        p, r = run_json(disguised)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(r["summary"]["inputs"][0]["codec"], "gzip")
        _, expected = run_json(sample("combined.log.gz"))
        self.assertSameReport(r, expected)
        # and the reverse: a plain file named .gz is read as plain text
        plain_gz = self.tmpfile("plain.log.gz", read_bytes(sample("common.log")))
        p, r = run_json(plain_gz)
        self.assertEqual((p.returncode, r["summary"]["inputs"][0]["codec"]), (0, "plain"))
        self.assertEqual(r["summary"]["parsed"], 298)

    def test_several_files_in_order_add_up(self):
        names = ["combined.log", "common.log", "combined.log.gz"]
        paths = [sample(n) for n in names]
        singles = [run_json(path)[1] for path in paths]
        p, r = run_json(*paths)
        self.assertEqual(p.returncode, 0, p.stderr)
        s = r["summary"]
        self.assertEqual([i["name"] for i in s["inputs"]], paths)
        self.assertEqual([i["format"] for i in s["inputs"]], ["combined", "common", "combined"])
        for key in ("lines", "parsed", "page_hits", "bytes"):
            self.assertEqual(s[key], sum(x["summary"][key] for x in singles), key)
        merged = collections.Counter()
        for x in singles:
            merged.update(pages_dict(x))
        self.assertEqual(pages_dict(r), dict(merged))
        self.assertEqual(s["first_time"], min(x["summary"]["first_time"] for x in singles))
        self.assertEqual(s["last_time"], max(x["summary"]["last_time"] for x in singles))
        self.assertRegex(p.stderr.decode(), r"^darkscan: 3 inputs, 762 lines ")

    def test_crlf_equals_lf(self):
        data = read_bytes(sample("combined.log"))
        crlf = self.tmpfile("crlf.log", data.replace(b"\n", b"\r\n"))
        p, r = run_json(crlf)
        self.assertEqual(p.returncode, 0, p.stderr)
        _, expected = run_json(sample("combined.log"))
        self.assertEqual(r["pages"], expected["pages"])
        self.assertEqual((r["summary"]["lines"], r["summary"]["malformed"]), (334, 0))
        self.assertEqual(r["summary"]["bytes"], len(data) + 334)
        self.assertEqual(run(crlf).stdout, run(sample("combined.log")).stdout)

    def test_last_line_without_newline(self):
        data = read_bytes(sample("combined.log"))
        self.assertTrue(data.endswith(b"\n"))
        path = self.tmpfile("nonl.log", data[:-1])
        _, r = run_json(path)
        self.assertEqual((r["summary"]["lines"], r["summary"]["parsed"]), (334, 334))
        _, expected = run_json(sample("combined.log"))
        self.assertEqual(r["pages"], expected["pages"])
        one = self.tmpfile("one.log", data.split(b"\n", 1)[0])
        _, r = run_json("-f", "combined", one)
        self.assertEqual((r["summary"]["lines"], r["summary"]["parsed"]), (1, 1))
        self.assertEqual(pages_dict(r), {"/": 1})

    def test_empty_file(self):
        path = self.tmpfile("empty.log", b"")
        p, r = run_json(path)
        self.assertEqual(p.returncode, 0, p.stderr)
        s = r["summary"]
        self.assertEqual((s["lines"], s["parsed"], s["malformed"], s["page_hits"]), (0, 0, 0, 0))
        self.assertEqual(r["pages"], [])
        self.assertIsNone(s["first_time"])
        p = run(path)
        self.assertEqual((p.returncode, p.stdout), (0, b"path\thits\n"))
        p, r = run_json(stdin=b"")
        self.assertEqual((p.returncode, r["summary"]["lines"]), (0, 0))

    def test_overlong_line_is_skipped_and_next_line_parsed(self):
        lines = read_bytes(sample("combined.log")).split(b"\n")
        data = lines[0] + b"\n" + b"A" * (2 * 1024 * 1024) + b"\n" + lines[1] + b"\n"
        path = self.tmpfile("long.log", data)
        p, r = run_json(path)
        self.assertEqual(p.returncode, 0, p.stderr)
        s = r["summary"]
        self.assertEqual((s["lines"], s["parsed"], s["malformed"], s["overlong"]), (3, 2, 1, 1))
        self.assertEqual([e["line"] for e in s["malformed_examples"]], [2])
        self.assertEqual(s["bytes"], len(data))
        self.assertEqual(set(pages_dict(r)), {"/", "/robots.txt"})
        # with a higher cap the line is read, and is malformed for its content, not its length
        p, r = run_json("--max-line-length", str(4 * 1024 * 1024), path)
        self.assertEqual((r["summary"]["overlong"], r["summary"]["malformed"]), (0, 1))
        # the overlong line first in the file: detection still works from the rest
        p, r = run_json(self.tmpfile("long2.log", data[len(lines[0]) + 1:]))
        self.assertEqual((p.returncode, r["summary"]["parsed"], r["summary"]["overlong"]), (0, 1, 1))

    def test_nul_and_invalid_utf8_keep_json_valid(self):
        lines = read_bytes(sample("combined.log")).split(b"\n")
        junk = b"\x00\xff\xfe\xc3\x28\xe2\x82 \x1b[31m"
        in_path = lines[0].replace(b'"HEAD / ', b'"HEAD /x' + junk.replace(b" ", b"") + b" ")
        self.assertNotEqual(in_path, lines[0])
        in_ua = lines[1][:-1] + junk + b'"'
        noise = b"\xff\xfe\x00\x00\x00junk\xc3\x28\xe2\x82 \x00\x00\x00"
        data = b"\n".join([in_path, in_ua, noise, lines[2]]) + b"\n"
        path = self.tmpfile("binary.log", data)
        p, r = run_json("-f", "combined", path)  # run_json decodes UTF-8 strictly
        self.assertEqual(p.returncode, 0, p.stderr)
        s = r["summary"]
        self.assertEqual((s["lines"], s["parsed"], s["malformed"]), (4, 3, 1))
        self.assertEqual([e["line"] for e in s["malformed_examples"]], [3])
        self.assertEqual(pages_dict(r)["/robots.txt"], 1)  # junk in the UA does not matter
        self.assertEqual(pages_dict(r)["/sitemap.xml"], 1)  # the line after the noise
        for fmt in ("tsv", "table"):
            with self.subTest(fmt):
                p = run("-F", fmt, "-f", "combined", path)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertNotIn(b"\x1b[31m", p.stdout)  # no raw terminal escapes
        p, r = run_json(path)  # auto-detection copes too
        self.assertEqual((p.returncode, r["summary"]["parsed"]), (0, 3))

    def test_malformed_examples_capped_at_ten(self):
        good = read_bytes(sample("combined.log")).split(b"\n")[:40]
        data = b"\n".join(good + [b"garbage line %d" % i for i in range(12)]) + b"\n"
        path = self.tmpfile("many-bad.log", data)
        p, r = run_json(path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(r["summary"]["malformed"], 12)
        self.assertEqual([e["line"] for e in r["summary"]["malformed_examples"]],
                         list(range(41, 51)))
        listed = re.findall(r"^  .+:(\d+): ", p.stderr.decode(), re.M)
        self.assertEqual(listed, [str(n) for n in range(41, 51)])

    def test_top_n(self):
        full = tsv_rows(run(sample("combined.log")).stdout)
        for n in (1, 3):
            with self.subTest(n=n):
                p = run("-n", str(n), sample("combined.log"))
                self.assertEqual(tsv_rows(p.stdout), full[:n])
                _, r = run_json("-n", str(n), sample("combined.log"))
                self.assertEqual(len(r["pages"]), n)
                self.assertEqual(r["summary"]["pages"], len(full))

    def test_output_file_written_atomically(self):
        out = os.path.join(self.tmp, "report.json")
        write_bytes(out, b"old content that must go")
        p = run("-q", "-F", "json", "-o", out, sample("combined.log"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, b"")
        self.assertEqual(json.loads(read_bytes(out).decode("utf-8")), run_json(sample("combined.log"))[1])
        self.assertEqual(os.listdir(self.tmp), ["report.json"])  # no temporary file left behind
        tsv = os.path.join(self.tmp, "report.tsv")
        p = run("-q", "-o", tsv, sample("combined.log"))  # not a terminal: TSV by default
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(read_bytes(tsv), run(sample("combined.log")).stdout)
        self.assertEqual(sorted(os.listdir(self.tmp)), ["report.json", "report.tsv"])

    def test_output_into_missing_directory(self):
        out = os.path.join(self.tmp, "missing", "report.json")
        p = run("-q", "-o", out, sample("combined.log"))
        self.assertEqual(p.returncode, 73)
        self.assertIn("darkscan: error: cannot write '%s'" % out, p.stderr.decode())
        self.assertEqual(os.listdir(self.tmp), [])
        p = run("-q", "-o", self.tmp, sample("combined.log"))  # a directory as output
        self.assertEqual(p.returncode, 73)
        self.assertEqual(os.listdir(self.tmp), [])


class ErrorsTest(TempDirMixin, unittest.TestCase):
    def assertUsageError(self, args, *needles):
        p = run(*args, sample("combined.log"))
        self.assertEqual(p.returncode, 2, (args, p.stderr))
        err = p.stderr.decode()
        self.assertTrue(err.startswith("darkscan: error:"), err)
        for needle in needles:
            self.assertIn(needle, err)
        self.assertEqual(p.stdout, b"")
        return err

    def test_missing_file_among_two(self):
        missing = os.path.join(self.tmp, "x.log")
        p, r = run_json(missing, sample("common.log"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("darkscan: error: cannot open '%s': No such file or directory\n" % missing,
                      p.stderr.decode())
        s = r["summary"]
        self.assertEqual((s["lines"], s["parsed"]), (298, 298))
        self.assertIn("No such file or directory", s["inputs"][0]["error"])
        self.assertIsNone(s["inputs"][1]["error"])
        self.assertRegex(p.stderr.decode(), r"darkscan: 2 inputs, 298 lines ")

    def test_directory_as_input(self):
        p, r = run_json(self.tmp, sample("common.log"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot open '%s'" % self.tmp, p.stderr.decode())
        self.assertEqual(r["summary"]["parsed"], 298)
        self.assertEqual(run(self.tmp).returncode, 1)

    def _truncated_gzip(self, copies):
        data = read_bytes(sample("combined.log")) * copies
        packed = gzip.compress(data)
        cut = packed[:len(packed) // 2]
        recovered = zlib.decompressobj(wbits=31).decompress(cut)
        return self.tmpfile("cut.log.gz", cut), recovered.count(b"\n")

    def test_truncated_gzip(self):
        path, complete = self._truncated_gzip(100)  # ~9.6 MB of log
        p, r = run_json(path)
        self.assertEqual(p.returncode, 1)
        err = p.stderr.decode()
        self.assertRegex(err, r"darkscan: error: .*%s" % re.escape(path))
        s = r["summary"]
        self.assertGreater(s["parsed"], 0)
        self.assertLessEqual(s["lines"], complete + 1)
        self.assertIsNotNone(s["inputs"][0]["error"])

    def test_truncated_gzip_keeps_every_complete_line(self):
        # zlib recovers every line before the cut; darkscan should count them all
        path, complete = self._truncated_gzip(3)  # ~290 KB of log, cut after ~145 KB
        self.assertGreater(complete, 100)
        p, r = run_json(path)
        self.assertEqual(p.returncode, 1)
        self.assertGreaterEqual(r["summary"]["parsed"], complete)

    def test_strict(self):
        p = run("--strict", sample("broken.log"))
        self.assertEqual(p.returncode, 65)
        self.assertIn("broken.log:3:", p.stderr.decode())
        self.assertNotIn("broken.log:7:", p.stderr.decode())
        p = run("--strict", "-q", sample("combined.log"))
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_unknown_preset(self):
        self.assertUsageError(["-f", "unknownpreset"], "unknownpreset")

    def test_empty_log_format(self):
        self.assertUsageError(["-f", ""], "--log-format")

    def test_format_without_request_field(self):
        self.assertUsageError(["-f", "$remote_addr $status"], "--log-format", "$request")

    def test_dangling_dollar(self):
        # nginx rejects a '$' without a variable name; so should darkscan
        self.assertUsageError(["-f", '$remote_addr "$request" $'], "--log-format")

    def test_unbalanced_braces(self):
        for fmt in ("%{Referer", '%h "%r" %{Referer', '$remote_addr "$request" ${http_referer'):
            with self.subTest(fmt):
                self.assertUsageError(["-f", fmt], "never closed")
        self.assertUsageError(["-f", '%h "%r" %'], "--log-format")

    def test_unknown_apache_directive(self):
        self.assertUsageError(["-f", '%h %Z "%r"'], "%Z", "column 4")

    def test_bad_options(self):
        self.assertUsageError(["--nope"], "--nope")
        self.assertUsageError(["-F", "xml"], "xml")
        self.assertUsageError(["-n", "abc"], "abc")
        self.assertUsageError(["--max-line-length", "10"], "--max-line-length")

    def test_version(self):
        for flag in ("--version", "-V"):
            p = run(flag)
            self.assertEqual(p.returncode, 0)
            self.assertRegex(p.stdout.decode(), r"^darkscan \d+\.\d+\.\d+\n$")

    def test_help(self):
        p = run("--help")
        self.assertEqual(p.returncode, 0)
        out = p.stdout.decode()
        for needle in ("Usage: darkscan", "Examples", "Exit status", "--log-format", "--strict"):
            self.assertIn(needle, out)
        for code in ("0", "1", "2", "65", "73"):
            self.assertRegex(out, r"\n  %s +\S" % code)

    def test_list_formats(self):
        p = run("--list-formats")
        self.assertEqual(p.returncode, 0)
        out = p.stdout.decode()
        names = re.findall(r"^(\S+)$", out, re.M)
        self.assertEqual(sorted(names), ["combined", "combined-xff", "common", "vcombined"])
        for alias in ("clf", "nginx-main-xff", "vhost_combined"):
            self.assertIn(alias, out)

    def test_unrecognised_format(self):
        text = b"".join(b"lorem ipsum dolor %d sit amet\n" % i for i in range(30))
        path = self.tmpfile("notes.log", text)
        p = run(path)
        self.assertEqual(p.returncode, 65)
        err = p.stderr.decode()
        self.assertIn("cannot recognise the log format of '%s'" % path, err)
        self.assertIn("--log-format", err)
        # the other inputs are still read, the exit status stays 65
        p, r = run_json(sample("common.log"), path)
        self.assertEqual(p.returncode, 65)
        self.assertEqual(r["summary"]["parsed"], 298)
        self.assertIsNotNone(r["summary"]["inputs"][1]["error"])


if __name__ == "__main__":
    if not os.access(BIN, os.X_OK):
        sys.exit("darkscan binary not found: %s (set DARKSCAN)" % BIN)
    unittest.main()
