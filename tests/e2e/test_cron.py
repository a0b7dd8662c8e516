#!/usr/bin/env python3
"""Never a silent wrong answer in cron and pipes (Python 3 stdlib only).

Each test is an ordinary sysadmin situation that once gave a wrong report with exit status 0 and
nothing on standard error: rotated files given newest first, a format that fits nothing, an -o
pattern coarser than --by, a run that read nothing replacing yesterday's report, a window the inputs
do not cover, a state fed the same lines twice. Logs come from bench/gen-log (fixed seed).
Binary from DARKSCAN (default build/darkscan under the repo root).
"""

import datetime
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import harness

ROOT = harness.ROOT
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
SAMPLES = os.path.join(ROOT, "samples")
ENV = dict(os.environ, TZ="UTC")


def run(*args, cwd=None, stdin=b""):
    return subprocess.run([BIN, *args], input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=ENV, cwd=cwd, timeout=120)


def report(*args, cwd=None, stdin=b""):
    p = run("-F", "json", *args, cwd=cwd, stdin=stdin)
    return p, (json.loads(p.stdout) if p.stdout else None)


def same_traffic(a, b):
    """The report's numbers, without what tells about the run (inputs, notes, examples)."""
    strip = lambda r: {**r, "summary": {k: v for k, v in r["summary"].items()
                                        if k not in ("inputs", "notes", "malformed_examples")}}
    return strip(a) == strip(b)


class CronTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="darkscan-cron-")
        log = os.path.join(cls.tmp, "all.log")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-log"), "--lines", "30000",
                        "--days", "3", "--seed", "5", "-o", log], check=True, stderr=subprocess.DEVNULL)
        with open(log, "rb") as f:
            cls.lines = f.read().splitlines(keepends=True)
        # A week's rotation, in miniature: access.log.2.gz (oldest), access.log.1, access.log.
        cls.parts = [b"".join(cls.lines[:10000]), b"".join(cls.lines[10000:20000]), b"".join(cls.lines[20000:])]
        with gzip.open(cls.path("access.log.2.gz"), "wb") as f:
            f.write(cls.parts[0])
        for name, data in (("access.log.1", cls.parts[1]), ("access.log", cls.parts[2])):
            with open(cls.path(name), "wb") as f:
                f.write(data)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp, name)

    def setUp(self):
        self.work = tempfile.mkdtemp(dir=self.tmp)

    # 1. input order

    def test_files_given_newest_first_give_the_oldest_first_report(self):
        oldest_first = [self.path(n) for n in ("access.log.2.gz", "access.log.1", "access.log")]
        p, expected = report("-q", *oldest_first)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse([n for n in expected["summary"]["notes"] if "time order" in n])
        glob_order = sorted(oldest_first)  # access.log access.log.1 access.log.2.gz: as a shell glob
        p, got = report(*glob_order)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(same_traffic(expected, got))
        self.assertIn("inputs read in time order", p.stderr.decode())
        self.assertEqual([i["name"] for i in got["summary"]["inputs"]], oldest_first)
        self.assertTrue(any("time order" in n for n in got["summary"]["notes"]))

    def test_a_slow_request_logged_after_the_rotation_does_not_reorder_the_files(self):
        # Apache logs a request with the time it came in: a download that ends after the rotation
        # opens the new file with a time older than the old file's last lines. The files were
        # ordered by their earliest first line, and were read newest first (a review, 2026-12-07).
        slow = re.sub(rb"^\S+", b"198.51.100.7", self.lines[5000])
        newest = os.path.join(self.work, "access.log")
        with open(newest, "wb") as f:
            f.write(slow + self.parts[2])
        p, got = report("-q", self.path("access.log.1"), newest)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([i["name"] for i in got["summary"]["inputs"]], [self.path("access.log.1"), newest])
        self.assertFalse([n for n in got["summary"]["notes"] if "inputs read in time order" in n])

    def test_an_input_older_than_the_one_read_before_it_is_named(self):
        # A review, 2026-12-06: a newer file, then an older standard input, or two servers' logs of
        # the same hours given one after the other, changed the visits without a word.
        p, r = report("-q", self.path("access.log"), "-", stdin=self.parts[0])
        self.assertEqual(p.returncode, 0, p.stderr)
        ins = r["summary"]["inputs"]
        self.assertEqual([i["out_of_order"] for i in ins], [0, 10000])
        self.assertTrue(any("'(stdin)' is not in time order" in n and "read before it" in n
                            for n in r["summary"]["notes"]))
        p, r = report("-q", self.path("access.log.1"), "-", stdin=self.parts[2])  # oldest first: no note
        self.assertEqual([i["out_of_order"] for i in r["summary"]["inputs"]], [0, 0])
        # Two files of the same hours, both given (a site's http and https logs): "give the files
        # themselves" told the user to do what they had done (a first-time user's review, 2026-12-07).
        odd, even = os.path.join(self.work, "odd.log"), os.path.join(self.work, "even.log")
        lines = b"".join(self.parts).splitlines(keepends=True)
        with open(odd, "wb") as f:
            f.writelines(lines[0::2])
        with open(even, "wb") as f:
            f.writelines(lines[1::2])
        p, r = report("-q", odd, even)
        self.assertEqual(p.returncode, 0, p.stderr)
        notes = [n for n in r["summary"]["notes"] if "covers hours that" in n]
        self.assertEqual(len(notes), 1, r["summary"]["notes"])
        self.assertIn("'%s' covers hours that '%s', read before it, covers too" % (even, odd), notes[0])
        self.assertNotIn("give the files themselves", notes[0])
        # A sparse http log that ends before the https one still covers its hours (a review of the fix).
        with open(even, "wb") as f:
            f.writelines(lines[1:len(lines) // 2:2])
        p, r = report("-q", odd, even)
        self.assertTrue(any("covers hours that" in n for n in r["summary"]["notes"]), r["summary"]["notes"])
        # Days 1 and 3, then day 2 on standard input: read out of order, no overlap (a second review).
        p, r = report("-q", self.path("access.log.2.gz"), self.path("access.log"), "-", stdin=self.parts[1])
        notes = r["summary"]["notes"]
        self.assertFalse(any("covers hours that" in n for n in notes), notes)
        self.assertTrue(any("'(stdin)' is not in time order" in n for n in notes), notes)

    def test_pipes_are_read_once_and_whole(self):
        # Ordering peeks at each file's first lines: a pipe (<(zcat x.gz)) cannot be peeked at.
        fifo = os.path.join(self.work, "pipe")
        os.mkfifo(fifo)
        writer = subprocess.Popen(["/bin/sh", "-c", 'cat "$1" > "$2"', "sh", self.path("access.log.1"), fifo])
        p, r = report("-q", fifo, self.path("access.log"))
        writer.wait(timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([i["lines"] for i in r["summary"]["inputs"]], [10000, 10000])

    def test_stream_out_of_time_order_is_named(self):
        p, r = report(stdin=self.parts[2] + self.parts[1] + self.parts[0])  # zcat newest first
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("'(stdin)' is not in time order", p.stderr.decode())
        self.assertEqual(r["summary"]["inputs"][0]["out_of_order"], 20000)
        self.assertTrue(any("not in time order" in n for n in r["summary"]["notes"]))
        p, r = report(stdin=b"".join(self.parts))  # oldest first: no note
        self.assertEqual(r["summary"]["inputs"][0]["out_of_order"], 0)
        self.assertNotIn(b"time order", p.stderr)
        # One line dated ahead of the rest is named, not only the first of the lines after it (a review)
        ahead = re.sub(rb"/\d{4}:", b"/2031:", self.lines[500], count=1)
        p, r = report(stdin=b"".join(self.lines[:500]) + ahead + b"".join(self.lines[501:1000]))
        self.assertIn("the first: line 502 (", r["summary"]["notes"][0])
        self.assertIn(") comes after line 501 (2031-", r["summary"]["notes"][0])

    # 2. a format that fits nothing

    def test_wrong_format_fails_and_names_the_one_that_fits(self):
        p, r = report("-q", "-f", "common", os.path.join(SAMPLES, "combined.log"))
        self.assertEqual(p.returncode, 1)
        err = p.stderr.decode()  # -q silences notes, not errors
        self.assertIn("none of its 334 lines could be read with format 'common'", err)
        self.assertIn("fit preset 'combined'", err)
        self.assertEqual(r["summary"]["inputs_failed"], 1)

    def test_almost_nothing_parses_fails(self):
        junk = b"".join(b'{"msg":"not an access log line %d"}\n' % i for i in range(300))
        path = self.path("mostly-junk.log")
        with open(path, "wb") as f:
            f.write(self.lines[0] + junk)
        p, _ = report("-q", "-f", "combined", path)
        self.assertEqual(p.returncode, 1)
        self.assertIn("only 1 of its 301 lines could be read", p.stderr.decode())
        with open(path, "wb") as f:  # 1 malformed line in 60: counted, not an error
            f.write(b"".join(self.lines[:59]) + junk.splitlines(keepends=True)[0])
        p, r = report("-q", "-f", "combined", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(r["summary"]["malformed"], 1)

    # 3. -o patterns

    def test_files_before_a_subcommand_are_refused(self):
        # `darkscan access.log merge web1.state`: the log was dropped without a word, status 0 (a review)
        for args in ((self.path("access.log"), "merge", "x.state"), ("--hits", "merge", "x.state"),
                     (self.path("access.log"), "rules", "check")):
            with self.subTest(args=args):
                p = run(*args)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn("comes before the subcommand", p.stderr.decode())

    def test_a_tar_archive_caught_by_a_glob_is_not_read_as_a_log(self):
        # access.log.tar.gz caught by access.log*: its log was counted again, with -f combined too
        # (a review, 2026-12-07, and a review of the fix).
        import tarfile
        archive = os.path.join(self.work, "access.log.tar.gz")
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(self.path("access.log.1"), arcname="access.log.1")
        for args in ((), ("-f", "combined"), ("--max-line-length", "300")):  # its header, an overlong line
            with self.subTest(args=args):
                p, r = report("-q", *args, self.path("access.log.1"), archive)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIn("is a tar archive, not an access log", p.stderr.decode())
                _, alone = report("-q", *args, self.path("access.log.1"))
                self.assertEqual(r["summary"]["parsed"], alone["summary"]["parsed"])  # not counted again

    def test_a_day_without_hits_is_a_period_of_zeros_and_a_file(self):
        # A review, 2026-12-07: 2026-12-30, without a hit, was missing from the periods (the trend
        # went from the 29th to the 31st), and a two-day window wrote one file where a one-day
        # window wrote an empty one.
        ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
        lines = []
        for day in (26, 27, 29):
            for hour in (1, 12, 23):
                lines.append(f'6.0.{day}.{hour} - - [{day}/Nov/2026:{hour:02d}:30:00 +0000] "GET /story/{hour} '
                             f'HTTP/1.1" 200 1 "-" "{ua}"\n')
        log = os.path.join(self.work, "gap.log")
        with open(log, "w") as f:
            f.writelines(lines)
        p, r = report("-q", "--by", "day", log)
        self.assertEqual(p.returncode, 0, p.stderr)
        got = [(x["period"], x["visits"], x["partial"]) for x in r["periods"]]
        self.assertEqual(got, [("2026-11-26", 3, False), ("2026-11-27", 3, False), ("2026-11-28", 0, False),
                               ("2026-11-29", 3, False)])
        p, r = report("-q", "--by", "day", "--since", "2026-11-25", "--until", "2026-11-30", log)
        self.assertEqual([(x["period"], x["partial"]) for x in r["periods"]][0], ("2026-11-25", True))
        self.assertEqual(len(r["periods"]), 5)
        out = os.path.join(self.work, "out")
        os.mkdir(out)
        p = run("-q", "--by", "day", "--since", "2026-11-27", "--until", "2026-11-29", "-o",
                os.path.join(out, "%Y-%m-%d.json"), log)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(os.listdir(out)), ["2026-11-27.json", "2026-11-28.json"])
        with open(os.path.join(out, "2026-11-28.json")) as f:
            self.assertEqual(json.load(f)["summary"]["visits"], 0)

    def test_no_period_without_hits_after_the_present(self):
        # A line dated 40 days ahead of the clock filled every day up to it with zeros (a third
        # review): days without hits are listed up to today, then only days with hits.
        ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
        today = datetime.datetime.now(datetime.timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
        days = [today - datetime.timedelta(days=d) for d in (5, 3)] + [today + datetime.timedelta(days=40)]
        log = os.path.join(self.work, "ahead.log")
        with open(log, "w") as f:
            for n, day in enumerate(days):
                f.write(f'6.1.0.{n + 1} - - [{day:%d/%b/%Y:%H:%M:%S} +0000] "GET /s/{n} HTTP/1.1" 200 1 "-" "{ua}"\n')
        p, r = report("-q", "--by", "day", log)
        self.assertEqual(p.returncode, 0, p.stderr)
        got = [x["period"] for x in r["periods"]]
        want = [f"{today - datetime.timedelta(days=d):%Y-%m-%d}" for d in (5, 4, 3, 2, 1, 0)]
        self.assertEqual(got, want + [f"{days[-1]:%Y-%m-%d}"])

    def test_output_pattern_coarser_than_by_is_refused_before_reading(self):
        for by, pattern in (("hour", "%Y-%m-%d.json"), ("day", "%Y-%m.json"), ("week", "%Y-%m.json"),
                            ("month", "%Y.json"), ("day", "%d.json")):
            with self.subTest(by=by, pattern=pattern):
                p = run("--by", by, "-o", os.path.join(self.work, pattern), self.path("access.log"))
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn("names one file for two periods of --by " + by, p.stderr.decode())
                self.assertEqual(os.listdir(self.work), [])
                self.assertNotIn(b"lines (", p.stderr)  # no run summary: nothing was read
        p = run("-o", os.path.join(self.work, "%Y-%m-%d.json"), self.path("access.log"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("no --by", p.stderr.decode())
        # The ISO week's year is %G: '%Y-W%V' names 2026-W01 (from 2025-12-29) 2025-W01 (a review).
        for wrong in ("%Y-W%V.json", "%y-W%V.json", "%EY-W%V.json", "%Ey-W%OV.json"):
            p = run("--by", "week", "-o", os.path.join(self.work, wrong), self.path("access.log"))
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("write %G-W%V", p.stderr.decode())
        self.assertEqual(os.listdir(self.work), [])
        p = run("--by", "week", "-o", os.path.join(self.work, "%G-W%V.json"), self.path("access.log"))
        self.assertEqual(p.returncode, 0, p.stderr)
        for by, pattern in (("hour", "%Y%m%d-%H.json"), ("day", "%F.json"), ("week", "%G-W%V.json"),
                            ("month", "%Y/%m.json".replace("/", "-"))):
            with self.subTest(by=by, pattern=pattern):
                p = run("-q", "--by", by, "-F", "json", "-o", os.path.join(self.work, pattern),
                        self.path("access.log"))
                self.assertEqual(p.returncode, 0, p.stderr)

    # 4. nothing read

    def test_run_that_read_nothing_keeps_the_previous_report(self):
        keep = os.path.join(self.work, "keep.json")
        with open(keep, "w") as f:
            f.write("yesterday\n")
        p = run("-q", "-F", "json", "-o", keep, os.path.join(self.work, "missing.log"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("was left as it was", p.stderr.decode())
        with open(keep) as f:
            self.assertEqual(f.read(), "yesterday\n")
        # -o - is standard output, as without -o: the empty report, status 1 (a review, 2026-12-07)
        for out in ([], ["-o", "-"]):
            p = run("-q", "-F", "json", *out, os.path.join(self.work, "missing.log"))
            self.assertEqual(p.returncode, 1)
            self.assertEqual(json.loads(p.stdout)["summary"]["inputs_failed"], 1)
        # one input read of two: the report is written, status 1
        p = run("-q", "-F", "json", "-o", keep, os.path.join(self.work, "missing.log"), self.path("access.log"))
        self.assertEqual(p.returncode, 1)
        with open(keep) as f:
            self.assertEqual(json.load(f)["summary"]["inputs_failed"], 1)
        # --hits -o too (it was emptied before 2026-12-06: a review), and no temporary file is left
        hits = os.path.join(self.work, "hits.ndjson")
        with open(hits, "w") as f:
            f.write("yesterday\n")
        p = run("-q", "--hits", "-o", hits, os.path.join(self.work, "missing.log"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("was left as it was", p.stderr.decode())
        with open(hits) as f:
            self.assertEqual(f.read(), "yesterday\n")
        self.assertEqual(sorted(n for n in os.listdir(self.work) if n.startswith("hits")), ["hits.ndjson"])
        # A .gz cut short (still being written) was read up to the cut: its lines are reported, status 1
        # (a second review: the report and the hits of such an input were dropped as "nothing read").
        with open(self.path("access.log"), "rb") as f:
            data = f.read()
        cut = os.path.join(self.work, "cut.log.gz")
        with open(cut, "wb") as f:
            f.write(gzip.compress(data)[: len(gzip.compress(data)) // 2])
        for args, path in ((("-F", "json"), keep), (("--hits",), hits)):
            p = run("-q", *args, "-o", path, cut)
            self.assertEqual(p.returncode, 1)
            self.assertIn("the lines before it were read", p.stderr.decode())
            with open(path) as f:
                text = f.read()
            self.assertNotEqual(text, "yesterday\n")
            if args == ("-F", "json"):
                self.assertGreater(json.loads(text)["summary"]["parsed"], 0)

    def test_a_folder_named_by_the_date_is_each_periods(self):
        # 'reports/%Y/%m-%d.tsv': last year's folder exists, today's need not (a robustness review,
        # 2026-12-06: refused, naming today's date); a period's missing folder is named when written
        log = self.path("access.log.1")
        first = json.loads(run("-q", "-F", "json", log).stdout)["summary"]["first_time"]
        year = first[:4]
        os.makedirs(os.path.join(self.work, "reports", year))
        p = run("-q", "--by", "day", "-o", os.path.join(self.work, "reports", "%Y", "%m-%d.tsv"), log)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.listdir(os.path.join(self.work, "reports", year)))
        # the part before the first '%' is checked before reading; each period's folder before writing
        p = run("--by", "day", "-o", os.path.join(self.work, "none", "%Y", "%m-%d.tsv"), log)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"its folder '%s'" % os.path.join(self.work, "none").encode(), p.stderr)
        self.assertNotIn(b"lines (", p.stderr)
        os.makedirs(os.path.join(self.work, "none"))
        p = run("-q", "--by", "day", "-o", os.path.join(self.work, "none", "%Y", "%m-%d.tsv"), log)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"its folder '%s'" % os.path.join(self.work, "none", year).encode(), p.stderr)

    def test_missing_output_folder_is_refused_before_reading(self):
        p = run("-o", os.path.join(self.work, "no", "r.json"), stdin=b"x" * 100)
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot write", p.stderr.decode())
        self.assertNotIn(b"lines (", p.stderr)

    # 5. the window

    def test_window_the_inputs_do_not_cover_is_named(self):
        # access.log.1 alone for a day that starts in access.log.2.gz and ends in access.log
        first = json.loads(run("-q", "-F", "json", self.path("access.log.1")).stdout)["summary"]
        start = first["first_time"]
        since = "2026-11-01T12:00:00+00:00"
        self.assertGreater(start, "2026-11-01T12:00:00Z")
        p, r = report("--since", since, "--until", "2026-11-03T12:00:00+00:00", self.path("access.log.1"))
        self.assertEqual(p.returncode, 0, p.stderr)
        err = p.stderr.decode()
        self.assertIn("after --since 2026-11-01 12:00:00", err)
        self.assertIn("before --until 2026-11-03 12:00:00", err)
        s = r["summary"]
        self.assertEqual((s["window_start"], s["window_end"]), ("2026-11-01T12:00:00Z", "2026-11-03T12:00:00Z"))
        self.assertEqual(len([n for n in s["notes"] if "the report misses it" in n]), 2)
        # all three files cover it: no note
        p, r = report("--since", since, "--until", "2026-11-03T12:00:00+00:00",
                      *[self.path(n) for n in ("access.log.2.gz", "access.log.1", "access.log")])
        self.assertNotIn(b"misses it", p.stderr)

    def test_window_that_misses_the_inputs_whole_is_named(self):
        # `--since` after the last line, or `--until` before the first: an empty report, said (a
        # robustness review, 2026-12-06: nothing was said)
        for window in (["--since", "2030-01-01"], ["--until", "2020-01-01"],
                       ["--since", "1970-01-01", "--until", "1970-01-02"]):
            with self.subTest(window=window):
                p, r = report(*window, self.path("access.log.1"))
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn(b"no line of the inputs falls in the window asked for", p.stderr)
                self.assertNotIn(b"misses it", p.stderr)
                self.assertEqual(r["summary"]["visits"], 0)
                self.assertEqual(len([n for n in r["summary"]["notes"] if "falls in the window" in n]), 1)

    # 6. a state fed the same lines twice

    def test_state_does_not_count_the_same_lines_twice(self):
        state = os.path.join(self.work, "state")
        for name in ("access.log.2.gz", "access.log.1", "access.log"):
            p, held = report("-q", "--state", state, self.path(name))
            self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(held["summary"]["lines"], 30000)
        copy = os.path.join(self.work, "access.log.1+access.log")
        with open(copy, "wb") as f:
            f.write(self.parts[1] + self.parts[2])
        p, r = report("--state", state, copy)
        self.assertEqual(p.returncode, 0, p.stderr)
        err = p.stderr.decode()
        self.assertIn("a time the state already counts", err)
        self.assertIn(os.path.basename(copy), err)
        inp = r["summary"]["inputs"][0]
        # Lines within k_out_of_order_seconds (10 min) of the state's end are kept: a late line is
        # not a copy. Everything older is left out.
        self.assertGreater(inp["overlapping"], 9900)
        self.assertLess(r["summary"]["lines"] - 30000, 100)
        self.assertLess(r["summary"]["visits"] - held["summary"]["visits"], 10)
        self.assertEqual(r["summary"]["lines"], r["summary"]["parsed"] + r["summary"]["malformed"]
                         + r["summary"]["empty"])


def line(second, target, client=b"41.58.1.1"):
    return (client + b" - - [20/Nov/2026:08:00:%02d +0000] \"GET " % second + target +
            b" HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0\"\n")


class SmallThingsTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="darkscan-small-")
        self.tmp = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_one_page_whatever_its_spelling(self):
        path = self.write("utf8.log", line(1, b"/news/%C3%A9t%C3%A9.html", b"10.0.0.1")
                          + line(2, b"/news/%c3%a9t%c3%a9.html", b"10.0.0.2")
                          + line(3, b"/news/\\xC3\\xA9t\\xC3\\xA9.html", b"10.0.0.3")  # nginx's escape
                          + line(4, "/news/été.html".encode(), b"10.0.0.4")
                          + line(5, b"/news/%7Efaq", b"10.0.0.5") + line(6, b"/news/~faq", b"10.0.0.6"))
        p, r = report("-q", "--site", "example.com", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        pages = {pg["path"]: pg["visits"] for pg in r["pages"]}
        self.assertEqual(pages, {"/news/été.html": 4, "/news/~faq": 2})

    def test_the_same_file_twice_is_read_once_and_no_input_is_overwritten(self):
        # A review, 2026-12-06: `darkscan a.log a.log` doubled every count without a word, and
        # `-o a.log a.log` replaced the log with the report.
        path = self.write("a.log", line(1, b"/a", b"10.0.0.1") + line(2, b"/b", b"10.0.0.2"))
        os.symlink(path, os.path.join(self.tmp, "link.log"))
        p, once = report("--site", "example.com", path)
        p, twice = report("--site", "example.com", path, os.path.join(self.tmp, "link.log"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(twice["summary"]["page_views"], once["summary"]["page_views"])
        self.assertIn("is the same file as", p.stderr.decode())
        with open(path, "rb") as f:
            before = f.read()
        for option in ("-o", "--state-out"):
            with self.subTest(option=option):
                p = run("-q", option, os.path.join(self.tmp, "link.log"), path)
                self.assertEqual(p.returncode, 2)
                self.assertIn("it would be replaced", p.stderr.decode())
                with open(path, "rb") as f:
                    self.assertEqual(f.read(), before)

    def test_no_log_or_report_is_replaced_through_standard_input_or_a_state(self):
        # A review, 2026-12-06: `-o x.log - < x.log` replaced the log with its report, `--state-out`
        # replaced any file with a state (a gzip log), and `-o r.json - < /dev/null` emptied the
        # report that the same run without `-` keeps.
        path = self.write("a.log", line(1, b"/a", b"10.0.0.1") + line(2, b"/b", b"10.0.0.2"))
        with open(path, "rb") as f:
            before = f.read()
        for args in (("-o", path, "-"), ("--state-out", path, "-o", os.devnull, "-")):
            with self.subTest(args=args), open(path, "rb") as log:
                p = subprocess.run([BIN, "-q", *args], stdin=log, capture_output=True, env=ENV, timeout=60)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn("it would be replaced", p.stderr.decode())
        other = self.write("b.log", line(3, b"/c", b"10.0.0.3"))
        p = run("-q", "--state-out", path, "-o", os.devnull, other)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("not a darkscan state", p.stderr.decode())
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before)
        # a pipe is not read to see what it holds (a second review: it waited for itself)
        p = run("-q", "--state-out", "/dev/stdout", "-o", os.devnull, other)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith(b"DARKSCAN-STATE\n"), p.stdout[:20])
        # standard input that is a named input is read once
        with open(other, "rb") as log:
            q = subprocess.run([BIN, "-F", "json", other, "-"], stdin=log, capture_output=True, env=ENV, timeout=60)
        self.assertEqual(json.loads(q.stdout)["summary"]["lines"], 1, q.stderr)
        self.assertIn(b"is the same file as", q.stderr)
        # an empty file, or a state, may be written over
        empty = self.write("s.state", b"")
        for _ in range(2):
            p = run("-q", "--state-out", empty, "-o", os.devnull, other)
            self.assertEqual(p.returncode, 0, p.stderr)
        keep = self.write("r.json", b"yesterday\n")
        p = run("-q", "-o", keep, "-")
        self.assertEqual(p.returncode, 1)
        self.assertIn("nothing was written to", p.stderr.decode())
        with open(keep, "rb") as f:
            self.assertEqual(f.read(), b"yesterday\n")

    def test_a_run_stopped_by_a_signal_leaves_no_temporary_file(self):
        # A cron job killed by its timeout, or Ctrl-C (a review, 2026-12-06: 'hits.ndjson.XXXXXX' stayed).
        import signal
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGALRM, signal.SIGXCPU):
            with self.subTest(sig=sig):
                out = os.path.join(self.tmp, "hits.ndjson")
                p = subprocess.Popen([BIN, "-q", "--hits", "-o", out, "-"], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
                p.stdin.write(line(1, b"/a") * 100)
                p.stdin.flush()
                for _ in range(200):  # the temporary file appears once the output is opened
                    if any(n.startswith("hits.ndjson.") for n in os.listdir(self.tmp)):
                        break
                    time.sleep(0.02)
                self.assertTrue(any(n.startswith("hits.ndjson.") for n in os.listdir(self.tmp)))
                p.send_signal(sig)
                self.assertEqual(p.wait(timeout=30), -sig)
                p.stdin.close()
                self.assertEqual([n for n in os.listdir(self.tmp) if n.startswith("hits")], [])
        # Nor the state's lock, which the state keeps unchanged (a review, 2026-12-06: 's.lock' stayed).
        state = os.path.join(self.tmp, "s.state")
        p = subprocess.Popen([BIN, "-q", "--state", state, "-o", os.path.join(self.tmp, "r.json"), "-"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        p.stdin.write(line(1, b"/a") * 100)
        p.stdin.flush()
        for _ in range(200):
            if os.path.exists(state + ".lock"):
                break
            time.sleep(0.02)
        self.assertTrue(os.path.exists(state + ".lock"))
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=30), -signal.SIGTERM)
        p.stdin.close()
        self.assertEqual([n for n in os.listdir(self.tmp) if n.startswith("s.state")], [])

    def test_an_output_through_a_symbolic_link_replaces_its_target(self):
        # The link stays a link (a review, 2026-12-06: it was replaced by a file; '-o /dev/stdout'
        # with the output sent to a file lost the report).
        path = self.write("a.log", line(1, b"/a"))
        target = self.write("report.json", b"{}")
        link = os.path.join(self.tmp, "latest.json")
        os.symlink("report.json", link)
        p = run("-q", "-F", "json", "-o", link, path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.islink(link))
        with open(target) as f:
            self.assertEqual(json.load(f)["summary"]["page_views"], 1)
        # Not tried on /dev/stdout itself: a darkscan without the fix, run as root, would replace it.

    def test_a_link_to_nothing_yet_creates_its_target(self):
        # The first night: the link was replaced by a regular file and its target never made (a
        # review, 2026-12-07). The shell's '>' creates the target; so does -o, and so does --state.
        path = self.write("a.log", line(1, b"/a"))
        os.mkdir(os.path.join(self.tmp, "reports"))
        for option, name in (("-o", "latest.json"), ("--state", "state")):
            with self.subTest(option=option):
                link = os.path.join(self.tmp, name)
                os.symlink(os.path.join("reports", name), link)
                p = run("-q", "-F", "json", option, link, *(["-o", os.devnull] if option == "--state" else []), path)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertTrue(os.path.islink(link))
                self.assertTrue(os.path.isfile(os.path.join(self.tmp, "reports", name)))

    def test_a_state_through_a_link_takes_the_states_lock(self):
        # A run through a link to a state took 'link.lock', so two runs updated the state at once and
        # the slower one's rename lost the other's lines (a review, 2026-12-07).
        path = self.write("a.log", line(1, b"/a"))
        state = os.path.join(self.tmp, "s.state")
        p = run("-q", "--state-out", state, "-o", os.devnull, path)
        self.assertEqual(p.returncode, 0, p.stderr)
        link = os.path.join(self.tmp, "link.state")
        os.symlink("s.state", link)
        p = subprocess.Popen([BIN, "-q", "--state", state, "-o", os.devnull, "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, cwd=self.tmp)
        try:
            for _ in range(200):
                if os.path.exists(state + ".lock"):
                    break
                time.sleep(0.02)
            second = run("-q", "--state", link, "-o", os.devnull, path)
            self.assertEqual(second.returncode, 1, second.stderr)
            self.assertIn(b"is locked", second.stderr)
        finally:
            p.stdin.close()
            p.wait(timeout=30)

    def test_an_output_naming_a_descriptor_is_written_through_it(self):
        # '-o /dev/stdout >> history.log' followed the link to history.log and renamed the report over
        # it: the history was lost (a review, 2026-12-06). '-o -' wrote a file named '-'.
        path = self.write("a.log", line(1, b"/a"))
        history = self.write("history.log", b"line 1 of history\n")
        for name in ("/dev/stdout", "/dev/fd/1", "-"):
            with self.subTest(name=name), open(history, "ab") as out:
                p = subprocess.run([BIN, "-q", "-F", "csv", "-o", name, path], stdout=out,
                                   stderr=subprocess.PIPE, env=ENV, cwd=self.tmp)
                self.assertEqual(p.returncode, 0, p.stderr)
        with open(history) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "line 1 of history")
        self.assertEqual(sum(1 for l in lines if l.startswith("path,visits")), 3)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "-")))

    def test_the_output_file_name_chooses_the_format(self):
        # '-o report.json' wrote TSV, which jq refused (a review, 2026-12-06). -F still wins.
        path = self.write("a.log", line(1, b"/a"))
        starts = {"json": "{", "csv": "path,", "tsv": "path\t", "html": "<!DOCTYPE html>", "ndjson": "{\"path\"",
                  "txt": "Summary"}
        for ext, start in starts.items():
            with self.subTest(ext=ext):
                out = os.path.join(self.tmp, "report." + ext.upper() if ext == "csv" else "report." + ext)
                p = run("-q", "-o", out, path)
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(out) as f:
                    self.assertTrue(f.read().startswith(start), ext)
        out = os.path.join(self.tmp, "forced.json")
        self.assertEqual(run("-q", "-F", "tsv", "-o", out, path).returncode, 0)
        with open(out) as f:
            self.assertTrue(f.read().startswith("path\t"))
        hits = os.path.join(self.tmp, "hits.tsv")
        self.assertEqual(run("-q", "--hits", "-o", hits, path).returncode, 0)
        with open(hits) as f:
            self.assertFalse(f.read().startswith("{"))

    def test_no_file_and_empty_input_leave_an_existing_output(self):
        # 'OUT=; darkscan -o $OUT access.log' under cron (stdin /dev/null): the log became the output
        # and was replaced by a report of nothing, status 0 (a review, 2026-12-06).
        log = self.write("access.log", line(1, b"/a"))
        with open(log, "rb") as f:
            before = f.read()
        with open(os.devnull, "rb") as null:
            p = subprocess.run([BIN, "-q", "-F", "json", "-o", log], stdin=null, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=ENV)
        self.assertEqual(p.returncode, 1)
        self.assertIn("standard input was empty", p.stderr.decode())
        with open(log, "rb") as f:
            self.assertEqual(f.read(), before)
        # With --state the report covers the state: made again from it with nothing new, it is written.
        state = os.path.join(self.tmp, "s.state")
        self.assertEqual(run("-q", "--state", state, "-o", os.devnull, log).returncode, 0)
        kept = os.path.join(self.tmp, "kept.json")
        with open(kept, "w") as f:
            f.write("{}")
        with open(os.devnull, "rb") as null:
            p = subprocess.run([BIN, "-q", "-F", "json", "--state", state, "-o", kept], stdin=null, env=ENV)
        self.assertEqual(p.returncode, 0)
        with open(kept) as f:
            self.assertEqual(json.load(f)["summary"]["page_views"], 1)
        # A new file is not made either: the status does not hang on whether the file was there
        # (status 0 for a new file, 1 the next night: a review, 2026-12-07).
        new = os.path.join(self.tmp, "new.json")
        with open(os.devnull, "rb") as null:
            p = subprocess.run([BIN, "-q", "-F", "json", "-o", new], stdin=null, env=ENV)
        self.assertEqual(p.returncode, 1)
        self.assertFalse(os.path.exists(new))
        # Standard output, however named, gets the report of nothing, status 0.
        for name in ("-", "/dev/stdout"):
            with open(os.devnull, "rb") as null:
                p = subprocess.run([BIN, "-q", "-F", "json", "-o", name], stdin=null, stdout=subprocess.PIPE, env=ENV)
            self.assertEqual(p.returncode, 0, name)
            self.assertEqual(json.loads(p.stdout)["summary"]["lines"], 0)

    def test_tls_on_port_80_is_counted_once(self):
        tls = b'41.58.1.9 - - [20/Nov/2026:08:00:09 +0000] "\\x16\\x03\\x01\\x00" 400 0 "-" "-"\n'
        p, r = report("-q", self.write("tls.log", line(1, b"/a") + tls))
        s = r["summary"]
        self.assertEqual((s["invalid_requests"], s["assets"], s["page_views"], s["parsed"]), (1, 0, 1, 2))
        hits = [json.loads(l) for l in run("--hits", self.write("tls2.log", tls)).stdout.splitlines()]
        self.assertEqual(hits[0]["class"], "invalid")

    def test_did_you_mean(self):
        p = run("--sinse", "yesterday", "x.log")
        self.assertEqual(p.returncode, 2)
        self.assertIn("did you mean --since", p.stderr.decode())
        p = run("merge", "--bi", "day", "x.state")
        self.assertIn("did you mean --by", p.stderr.decode())
        p = run("--zzzzzzzz", "x.log")  # nothing close: no suggestion
        self.assertNotIn("did you mean", p.stderr.decode())

    def test_binary_file_and_error_log_are_named(self):
        p, r = report(BIN)
        self.assertEqual(p.returncode, 1)
        self.assertIn("is a binary file", p.stderr.decode())
        self.assertNotIn("\\x7FELF", p.stderr.decode())
        err_log = self.write("error.log", b"2026/11/20 08:00:01 [error] 1234#0: *1 open() failed\n"
                             b"2026/11/20 08:00:02 [warn] 1234#0: *2 upstream buffered\n"
                             b"2026/11/20 08:00:03 [error] 1234#0: *3 connect() failed\n")
        p, r = report(err_log)
        self.assertEqual(p.returncode, 1)
        self.assertIn("is an nginx error log", p.stderr.decode())
        self.assertEqual((r["summary"]["lines"], r["summary"]["malformed"]), (3, 3))

    def test_replaced_report_keeps_its_mode(self):
        out = self.write("private.tsv", b"old\n")
        os.chmod(out, 0o600)
        p = run("-q", "-o", out, os.path.join(SAMPLES, "combined.log"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)

    def test_no_lock_file_left_behind(self):
        state = os.path.join(self.tmp, "state")
        p = run("-q", "--state", state, "-o", os.path.join(self.tmp, "r.tsv"), os.path.join(SAMPLES, "combined.log"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(os.listdir(self.tmp)), ["r.tsv", "state"])


if __name__ == "__main__":
    harness.main()
