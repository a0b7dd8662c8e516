#!/usr/bin/env python3
"""Incremental runs (--state) and shard merges (--state-out, darkscan merge) give the report of one run
over all the logs: a growing log read night after night through rotation and compression, shards split
by time or by server, unfinished last lines, and damaged states refused without loss.
Binary from DARKSCAN (default build/darkscan under the repo root); the log from bench/gen-log."""

import datetime
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import zlib

import harness

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
ENV = dict(os.environ, TZ="Africa/Lagos")


def run(*args, cwd=None, stdin=None):
    p = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=cwd,
                       input=stdin)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def report(*args, cwd=None):
    code, out, err = run("-q", "-F", "json", *args, cwd=cwd)
    if code != 0:
        raise AssertionError(f"darkscan {' '.join(args)} exited {code}: {err}")
    data = json.loads(out)
    # What differs between one run and several by nature: which inputs each run read.
    for key in ("inputs", "malformed_examples", "notes"):
        data["summary"].pop(key)
    return data


def lines_of(path):
    with open(path, "rb") as f:
        return f.read().splitlines(keepends=True)


class StateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="darkscan-state-")
        cls.log = os.path.join(cls.tmp, "all.log")
        # 6 days, so that visits, returning visitors and previews cross every day boundary.
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-log"), "--lines", "60000", "--days",
                        "6", "--seed", "11", "--malformed-per-million", "200", "-o", cls.log],
                       check=True, stderr=subprocess.DEVNULL)
        cls.lines = lines_of(cls.log)
        # Lines by the day in their timestamp ([01/Nov/2026:...]): one chunk per night. A line
        # without a timestamp stays with the chunk before it.
        cls.days = []
        for line in cls.lines:
            m = re.search(rb"\[(\d\d/[A-Z][a-z][a-z]/\d{4}):", line)  # not a cut line's "[" and garbage
            day = m.group(1) if m else None
            if not cls.days or (day is not None and day != cls.days[-1][0]):
                cls.days.append((day, []))
            cls.days[-1][1].append(line)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def dir(self, name):
        d = os.path.join(self.tmp, name)
        os.makedirs(d)
        return d

    def assert_same_report(self, expected, got):
        self.assertEqual(expected["summary"], got["summary"])
        self.assertEqual(expected["channels"], got["channels"])
        self.assertEqual(len(expected["pages"]), len(got["pages"]))
        self.assertEqual(expected, got)

    def test_nightly_runs_through_rotation_equal_one_run(self):
        d = self.dir("nightly")
        state = os.path.join(d, "darkscan.state")
        self.assertGreaterEqual(len(self.days), 6)
        for night, (_, day_lines) in enumerate(self.days):
            # During the day the server appends; a run at noon sees a line being written.
            half = len(day_lines) // 2
            with open(os.path.join(d, "access.log"), "ab") as f:
                f.writelines(day_lines[:half])
                f.write(day_lines[half][:20])  # unfinished: no newline yet
            existing = [n for n in ("access.log.3.gz", "access.log.2.gz", "access.log.1", "access.log")
                        if os.path.exists(os.path.join(d, n))]
            report("--state", state, *existing, cwd=d)
            with open(os.path.join(d, "access.log"), "ab") as f:
                f.write(day_lines[half][20:])
                f.writelines(day_lines[half + 1:])
            existing = [n for n in ("access.log.3.gz", "access.log.2.gz", "access.log.1", "access.log")
                        if os.path.exists(os.path.join(d, n))]
            last = report("--state", state, *existing, cwd=d)
            # logrotate with delaycompress: .2.gz -> .3.gz, .1 -> .2.gz, access.log -> .1
            if os.path.exists(os.path.join(d, "access.log.2.gz")):
                os.replace(os.path.join(d, "access.log.2.gz"), os.path.join(d, "access.log.3.gz"))
            if os.path.exists(os.path.join(d, "access.log.1")):
                with open(os.path.join(d, "access.log.1"), "rb") as src:
                    data = src.read()
                with gzip.open(os.path.join(d, "access.log.2.gz"), "wb") as dst:
                    dst.write(data)
                os.remove(os.path.join(d, "access.log.1"))
            os.replace(os.path.join(d, "access.log"), os.path.join(d, "access.log.1"))
            open(os.path.join(d, "access.log"), "wb").close()
        self.assert_same_report(report(self.log), last)
        # Nothing new: the same report again, and no input read twice.
        again = report("--state", state, "access.log.3.gz", "access.log.2.gz", "access.log.1", "access.log",
                       cwd=d)
        self.assert_same_report(last, again)
        # --by day and --since still apply to what the state holds.
        whole_by_day = report("--by", "day", self.log)
        state_by_day = report("--state", state, "--by", "day", "access.log", cwd=d)
        self.assert_same_report(whole_by_day, state_by_day)
        iso = "2026-11-03"  # gen-log starts on 2026-11-01
        self.assert_same_report(report("--since", iso, self.log),
                                report("--state", state, "--since", iso, "access.log", cwd=d))

    def test_state_file_size_grows_with_pages_not_lines(self):
        d = self.dir("size")
        state = os.path.join(d, "s.state")
        report("--state", state, self.log)
        size_once = os.path.getsize(state)
        report("--state", state, self.log)  # the same file again: nothing new
        self.assertEqual(size_once, os.path.getsize(state))

    def test_state_keep_drops_old_hours_and_reports_as_since_would(self):
        """--state-keep DURATION: a nightly state keeps the last DURATION of counts, back from its newest
        hit; its report is the report of a state that keeps all, from the first hour kept."""
        d = self.dir("keep")
        kept, whole = os.path.join(d, "kept.state"), os.path.join(d, "whole.state")
        for night, (_, day_lines) in enumerate(self.days):
            path = os.path.join(d, f"day{night}.log")
            with open(path, "wb") as f:
                f.writelines(day_lines)
            report("--state", whole, path)
            code, out, err = run("-F", "json", "--state", kept, "--state-keep", "2d", path)
            self.assertEqual(code, 0, err)
            if night >= 3:  # the first two days and more are older than 2 days by then
                self.assertRegex(err, r"note: --state-keep 2d: \d+ hours of counts older than that dropped "
                                      r"from the state, which now starts at 2026-11-\d\dT\d\d:00:00Z")
        last = report("--state", kept, os.devnull)
        start = last["summary"]["first_time"]
        self.assertRegex(start, r"^2026-11-0[3-6]T\d\d:00:00Z$")
        since = report("--state", whole, "--since", start, os.devnull)
        self.assertEqual(since["pages"], last["pages"])
        self.assertEqual(since["channels"], last["channels"])
        self.assertEqual(since["summary"]["model"], last["summary"]["model"])
        self.assertEqual(since["summary"]["visits"], last["summary"]["visits"])
        self.assertLess(os.path.getsize(kept), 0.7 * os.path.getsize(whole))
        # A --since before the hours kept is named as such, not as a rotated file left out, in a run
        # without --state-keep too.
        for keep in (["--state-keep", "2d"], []):
            code, _, err = run("-F", "json", "--state", kept, *keep, "--since", "2026-11-01", os.devnull)
            self.assertEqual(code, 0, err)
            self.assertRegex(err, r"note: the state holds the hours from (2026-11-0\d \d\d:00:00) on, not all those "
                                  r"after --since 2026-11-01 00:00:00: it read logs from 2026-11-01 \d\d:\d\d:\d\d, "
                                  r"and --state-keep dropped the hours before \1")
            self.assertNotIn("rotated file", err)
        # A line dated in the future (a clock set wrong) does not take the state's past with it.
        future = os.path.join(d, "future.log")
        with open(future, "w") as f:
            f.write('203.0.113.9 - - [01/Jan/2099:00:00:00 +0000] "GET /future-dated HTTP/1.1" 200 5 "-" '
                    '"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"\n')
        ahead = report("--state", kept, "--state-keep", "2d", future)
        self.assertEqual(ahead["summary"]["first_time"], start)
        self.assertEqual(len(ahead["pages"]), len(last["pages"]) + 1)
        # A merge keeps the same hours of the states it merges.
        merged = os.path.join(d, "merged.state")
        code, _, err = run("-q", "merge", "-o", os.devnull, "--state-out", merged, "--state-keep", "2d", whole)
        self.assertEqual(code, 0, err)
        self.assertEqual(report("merge", merged)["pages"], last["pages"])
        # Values that are not a duration, and the option without a state, are usage errors.
        for bad in ("2", "2x", "0d", "30m", "-2d", "99999999999999999999d", "1000000w"):
            code, _, err = run("--state", kept, "--state-keep", bad, os.devnull)
            self.assertEqual(code, 2, bad)
            self.assertIn(f"--state-keep: cannot read '{bad}' as a duration", err)
        # A shard trimmed against its own last hit would leave a hole in a merge of shards split by
        # time: --state-keep goes with --state, and with merge --state-out.
        for alone in ([], ["--state-out", os.path.join(d, "shard.state")]):
            code, _, err = run(*alone, "--state-keep", "2d", os.devnull)
            self.assertEqual((code, err.strip()), (2, "darkscan: error: --state-keep goes with --state (for shards: "
                                                      "merge --state-out F --state-keep)"))
        code, _, err = run("merge", "--state-keep", "2d", kept)
        self.assertEqual((code, err.strip()), (2, "darkscan: error: merge: --state-keep goes with --state-out"))
        # A merged state that cannot be written is refused before the report is (a review, 2026-12-06).
        out = os.path.join(d, "m.json")
        code, _, err = run("merge", "-o", out, "--state-out", os.path.join(d, "nodir", "x"), kept)
        self.assertEqual(code, 1)
        self.assertIn("its folder", err)
        self.assertFalse(os.path.exists(out))

    def shards_by_time(self, d, count):
        shards = []
        per = len(self.lines) // count + 1
        for i in range(count):
            path = os.path.join(d, f"part{i}.log")
            with open(path, "wb") as f:
                f.writelines(self.lines[i * per:(i + 1) * per])
            shards.append(path)
        return shards

    def test_merge_of_time_shards_equals_one_run(self):
        d = self.dir("time")
        states = []
        for shard in self.shards_by_time(d, 4):
            code, _, err = run("-q", "--state-out", shard + ".state", shard)
            self.assertEqual(code, 0, err)
            states.append(shard + ".state")
        whole = report(self.log)
        self.assert_same_report(whole, report("merge", *reversed(states)))
        self.assert_same_report(report("--by", "day", self.log), report("merge", "--by", "day", *states))
        # Merging merged states: a tree of merges gives the same.
        a, b = os.path.join(d, "a.state"), os.path.join(d, "b.state")
        self.assertEqual(run("-q", "merge", "-o", os.devnull, "--state-out", a, states[0], states[1])[0], 0)
        self.assertEqual(run("-q", "merge", "-o", os.devnull, "--state-out", b, states[2], states[3])[0], 0)
        self.assert_same_report(whole, report("merge", b, a))
        notes_of = lambda *args: json.loads(run("-q", "-F", "json", *args)[1])["summary"]["notes"]
        self.assertFalse([n for n in notes_of("merge", b, a) if "counted twice" in n])
        # Shards that both read one log are added up, and the merge says so (a review, 2026-12-06:
        # without a word).
        both = os.path.join(d, "both.state")
        self.assertEqual(run("-q", "--state-out", both, "-o", os.devnull, self.shards_by_time(d, 4)[1],
                             self.shards_by_time(d, 4)[2])[0], 0)
        notes = notes_of("merge", states[1], both)
        self.assertEqual(len([n for n in notes if "counted twice" in n]), 1, notes)
        # Each shard's own name for the log (a review: the note gave the second's name to both).
        shard = self.shards_by_time(d, 4)[1]
        longer, longer_state = os.path.join(d, "longer.log"), os.path.join(d, "longer.state")
        with open(shard, "rb") as f, open(self.shards_by_time(d, 4)[2], "rb") as g, open(longer, "wb") as out:
            out.write(f.read() + g.read())
        self.assertEqual(run("-q", "--state-out", longer_state, "-o", os.devnull, longer)[0], 0)
        notes = [n for n in notes_of("merge", states[1], longer_state) if "counted twice" in n]
        self.assertEqual(len(notes), 1, notes)
        self.assertIn("read '%s'" % shard, notes[0])
        self.assertIn("read '%s'" % longer, notes[0])
        # With two worker threads per shard too.
        states2 = []
        for shard in self.shards_by_time(d, 3):
            self.assertEqual(run("-q", "--threads", "2", "--state-out", shard + ".2.state", shard)[0], 0)
            states2.append(shard + ".2.state")
        self.assert_same_report(whole, report("merge", *states2))
        # The window and the notes of a merge are in its JSON as in a run's (they were null and []:
        # a review, 2026-12-06).
        code, out, err = run("-q", "merge", "-F", "json", "--since", "2026-11-02T10:30", "--until", "2026-11-04",
                             *states)
        self.assertEqual(code, 0, err)
        summary = json.loads(out)["summary"]
        self.assertTrue(summary["window_start"].startswith("2026-11-02T"))
        self.assertTrue(summary["window_end"].startswith("2026-11-0"))
        self.assertTrue(any("counts from the next whole hour" in n for n in summary["notes"]), summary["notes"])
        # The window is the hours counted (a review: it showed 10:30 where 11:00 was meant; TZ is
        # Africa/Lagos, UTC+1), and an --until inside an hour counts to its end.
        self.assertEqual(summary["window_start"], "2026-11-02T10:00:00Z")
        code, out, err = run("-q", "merge", "-F", "json", "--until", "2026-11-03T08:30", *states)
        summary = json.loads(out)["summary"]
        self.assertEqual(summary["window_end"], "2026-11-03T08:00:00Z")
        self.assertTrue(any("counts to the end of its hour, 2026-11-03 09:00" in n for n in summary["notes"]),
                        summary["notes"])

    def test_weights_are_applied_when_the_report_is_made(self):
        """A state holds counts, never weights: a report or a merge with --rules DIR equals one run with
        --rules DIR over the same logs, whatever weights the states were written under (issue 13)."""
        d = self.dir("weights")
        rules = os.path.join(d, "rules")
        os.makedirs(rules)
        with open(os.path.join(rules, "weights.rules"), "w") as f:
            f.write("direct_deep_new 0.3 0.1 0.5\ndirect_deep_returning 0.05\n")
        default = report(self.log)
        whole = report("--rules", rules, self.log)
        self.assertNotEqual(default["summary"]["dark_social"], whole["summary"]["dark_social"])
        self.assertEqual(default["summary"]["visits"], whole["summary"]["visits"])
        states = []
        for shard in self.shards_by_time(d, 3):
            code, _, err = run("-q", "--state-out", shard + ".state", shard)  # the built-in weights
            self.assertEqual(code, 0, err)
            states.append(shard + ".state")
        self.assert_same_report(whole, report("merge", "--rules", rules, *states))
        self.assert_same_report(default, report("merge", *states))
        state = os.path.join(d, "nightly.state")
        report("--state", state, self.log)
        self.assert_same_report(whole, report("--state", state, "--rules", rules, self.log))

    def test_merge_of_server_shards_keeps_counts_and_visits(self):
        d = self.dir("servers")
        servers = [[], [], []]
        for line in self.lines:
            address = line.split(b" ", 1)[0]
            servers[zlib.crc32(address) % 3].append(line)  # a load balancer with sticky clients
        states = []
        for i, lines in enumerate(servers):
            path = os.path.join(d, f"web{i}.log")
            with open(path, "wb") as f:
                f.writelines(lines)
            self.assertEqual(run("-q", "--state-out", path + ".state", path)[0], 0)
            states.append(path + ".state")
        whole, merged = report(self.log), report("merge", *states)
        for key in ("lines", "parsed", "malformed", "bots", "previews", "assets", "page_views", "visits"):
            self.assertEqual(whole["summary"][key], merged["summary"][key], key)
        visits = lambda r: {p["path"]: (p["visits"], p["page_views"]) for p in r["pages"]}
        self.assertEqual(visits(whole), visits(merged))

    def test_a_version_7_state_that_followed_the_sites_links_knows_they_send_a_referrer(self):
        # tests/data/state/messenger-head.v7.state: written by darkscan at 99af5e3 (state format 7)
        # with `darkscan -q --site www.example.com --state messenger-head.v7.state messenger-head.log`.
        # A reader follows three of the site's links, then a Messenger reader taps a shared link; the
        # tail is that reader's second tap, 4 minutes later: an arrival (visit.unlinked), as in one run,
        # only if the format 7 state's linked visit tells that the site's links send a referrer.
        d = self.dir("v7")
        data = os.path.join(ROOT, "tests", "data", "state")
        state = os.path.join(d, "s.state")
        shutil.copy(os.path.join(data, "messenger-head.v7.state"), state)
        with open(os.path.join(d, "all.log"), "wb") as f:
            f.writelines(lines_of(os.path.join(data, "messenger-head.log")) +
                         lines_of(os.path.join(data, "messenger-tail.log")))
        whole = report("--site", "www.example.com", os.path.join(d, "all.log"))
        chained = report("--site", "www.example.com", "--state", state, os.path.join(data, "messenger-tail.log"))
        visits = lambda r: {p["path"]: p["visits"] for p in r["pages"]}
        self.assertEqual(visits(whole)["/news/2026/12/06/naira-rate"], 1)
        self.assertEqual(visits(whole), visits(chained))
        with open(state, "rb") as f:
            self.assertEqual(f.read(20)[16:20], (10).to_bytes(4, "little"))

    def test_chained_runs_keep_the_machine_and_mailing_rules_history(self):
        # A newsletter's webmail clicks, three before the nightly cut and three after, within the
        # hour: the sixth is the site's mailing (MailBursts), as in one run. A mail scanner opens a
        # page just before the cut and another a second after: the second is a machine's. Before
        # state format 10, the chained run counted the sixth click as a private share (5.4 for 4.5)
        # and the scanner's second page as a page view.
        d = self.dir("history10")
        ua = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
        line = lambda ip, hms, path, ref: (f'{ip} - - [07/Dec/2026:{hms} +0100] "GET {path} HTTP/1.1" 200 500 '
                                           f'"{ref}" "{ua}"\n')
        head = [line("41.58.5.5", f"09:00:0{i}", f"/news/x{i}", "https://www.example.com/") for i in (1, 2, 3)]
        head += [line(f"41.58.2.{m}", f"09:{m}:00", "/news/letter", "https://mail.google.com/") for m in (10, 20, 30)]
        head += [line("40.94.42.100", "09:59:59", "/news/a", "-")]
        tail = [line("40.94.42.100", "10:00:00", "/news/b", "-")]
        tail += [line(f"41.58.3.{s}", f"10:00:{s}", "/news/letter", "https://mail.google.com/") for s in (15, 20, 25)]
        for name, lines in (("head.log", head), ("tail.log", tail), ("all.log", head + tail)):
            with open(os.path.join(d, name), "w") as f:
                f.writelines(lines)
        whole = report("--site", "www.example.com", "all.log", cwd=d)
        self.assertEqual(run("-q", "--site", "www.example.com", "--state", "s.state", "-o", os.devnull, "head.log",
                             cwd=d)[0], 0)
        chained = report("--site", "www.example.com", "--state", "s.state", "tail.log", cwd=d)
        letter = lambda r: next(p for p in r["pages"] if p["path"] == "/news/letter")
        self.assertAlmostEqual(letter(whole)["dark_social"], 5 * 0.9)
        self.assertEqual(letter(chained), letter(whole))
        # The scanner's first page was a visit of the first run, before anything told it apart: it
        # stays one (doc/DISTRIBUTED.md); its second page is a bot in both.
        self.assertEqual(whole["summary"]["bots"], 2)
        self.assertEqual(chained["summary"]["bots"], 1)
        self.assertEqual(chained["summary"]["page_views"], whole["summary"]["page_views"] + 1)
        # The next run reads lines up to 10 minutes older than the state's last: the sixth click, logged
        # 10 seconds before it, still has the first five within its hour (a review: the one at 09:00:05
        # was forgotten an hour before the last line, and the sixth was private mail).
        head = [line("41.58.5.5", f"08:00:0{i}", f"/news/x{i}", "https://www.example.com/") for i in (1, 2, 3)]
        head += [line(f"41.58.2.{m}", f"09:{m:02}:05", "/news/letter", "https://mail.google.com/")
                 for m in (0, 10, 20, 30, 40)]
        head += [line("41.60.9.9", "10:00:10", "/news/other", "https://www.google.com/")]
        tail = [line("41.58.3.1", "10:00:00", "/news/letter", "https://mail.google.com/")]
        for name, lines in (("head.log", head), ("tail.log", tail), ("all.log", head + tail)):
            with open(os.path.join(d, name), "w") as f:
                f.writelines(lines)
        whole = report("--site", "www.example.com", "all.log", cwd=d)
        os.remove(os.path.join(d, "s.state"))
        self.assertEqual(run("-q", "--site", "www.example.com", "--state", "s.state", "-o", os.devnull, "head.log",
                             cwd=d)[0], 0)
        chained = report("--site", "www.example.com", "--state", "s.state", "tail.log", cwd=d)
        self.assertAlmostEqual(letter(whole)["dark_social"], 5 * 0.9)
        self.assertEqual(letter(chained), letter(whole))

    def test_a_shard_of_preview_fetches_alone_is_merged_in_its_place(self):
        # Hourly shards of a quiet site: the first hour holds only a WhatsApp fetch and a bot, the
        # next the clicks. Before 2026-12-06 a shard without a page view had no start and sorted last
        # in the merge, so its fetch decided none of the later shard's clicks (a review: 1 arrival
        # after a preview where the one run had 3).
        d = self.dir("preview-shard")
        ua = ("Mozilla/5.0 (Linux; Android 14; TECNO KL8) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/141.0.0.0 Mobile Safari/537.36")
        first = ['57.141.0.1 - - [06/Dec/2026:10:50:00 +0000] "GET /news/a HTTP/1.1" 200 5000 "-" '
                 '"WhatsApp/2.24.1.5 A"\n',
                 '66.249.66.1 - - [06/Dec/2026:10:55:00 +0000] "GET /news/a HTTP/1.1" 200 5000 "-" '
                 '"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"\n']
        # A fetch again at 14:30: the merged state remembers only a page's latest fetch, so the
        # clicks before it are decided by the first shard's fetch or not at all.
        second = [f'102.89.3.{n} - - [06/Dec/2026:{t} +0000] "GET /news/a HTTP/1.1" 200 5000 "-" "{ua}"\n'
                  for n, t in ((1, "11:00:00"), (2, "13:30:00"))]
        second += ['57.141.0.2 - - [06/Dec/2026:14:30:00 +0000] "GET /news/a HTTP/1.1" 200 5000 "-" '
                   '"WhatsApp/2.24.1.5 A"\n',
                   f'102.89.3.3 - - [06/Dec/2026:14:40:00 +0000] "GET /news/a HTTP/1.1" 200 5000 "-" "{ua}"\n']
        for name, lines in (("10.log", first), ("11.log", second), ("all.log", first + second)):
            with open(os.path.join(d, name), "w") as f:
                f.writelines(lines)
        for name in ("10", "11"):
            self.assertEqual(run("-q", "--state-out", name + ".state", name + ".log", cwd=d)[0], 0)
        whole = report(os.path.join(d, "all.log"))
        for order in (("10.state", "11.state"), ("11.state", "10.state")):
            merged = report("merge", *order, cwd=d)
            self.assertEqual(merged["pages"], whole["pages"], order)
            self.assertEqual(merged["summary"]["dark_social"], whole["summary"]["dark_social"], order)
        # 0.9 within the hour of the first fetch, 0.75 after it, 0.9 within the hour of the second.
        self.assertAlmostEqual(whole["summary"]["dark_social"], 0.9 + 0.75 + 0.9)

    def test_a_shard_that_opens_with_an_early_dated_bot_line_is_merged_as_one_run(self):
        # A second review (2026-12-06): with the shard's start taken from its first timed line of any
        # class, a bot's line dated before the rotation (Apache's %t is when a slow request began)
        # set the next day's start early; a visitor last seen at 23:50 who came back at 00:15 was
        # not kept open for the earlier shard and counted as a new arrival (7 visits for 6).
        d = self.dir("early-bot")
        ua = ("Mozilla/5.0 (Linux; Android 14; TECNO KL8) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/141.0.0.0 Mobile Safari/537.36")
        bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

        def line(ip, t, path, agent=ua):
            return f'{ip} - - [{t} +0000] "GET {path} HTTP/1.1" 200 5000 "-" "{agent}"\n'
        first = [line("102.89.3.7", "06/Dec/2026:23:00:00", "/"),
                 line("102.89.3.1", "06/Dec/2026:23:50:00", "/news/a"),
                 line("57.141.0.1", "06/Dec/2026:23:52:00", "/news/p", "WhatsApp/2.24.1.5 A"),
                 line("102.89.3.9", "06/Dec/2026:23:55:00", "/news/q")]
        for when in ("06/Dec/2026:23:40:00", "01/Nov/2025:19:00:00"):
            second = [line("66.249.66.1", when, "/robots.txt", bot),
                      line("102.89.3.1", "07/Dec/2026:00:15:00", "/news/c"),
                      line("102.89.3.2", "07/Dec/2026:00:40:00", "/news/p"),
                      line("102.89.3.9", "07/Dec/2026:00:35:00", "/news/z"),
                      line("102.89.3.3", "07/Dec/2026:02:40:00", "/news/p")]
            for name, lines in (("1.log", first), ("2.log", second), ("all.log", first + second)):
                with open(os.path.join(d, name), "w") as f:
                    f.writelines(lines)
            for name in ("1", "2"):
                self.assertEqual(run("-q", "--site", "www.example.com", "--state-out", name + ".state",
                                     name + ".log", "-o", os.devnull, cwd=d)[0], 0)
            whole = report("--site", "www.example.com", os.path.join(d, "all.log"))
            merged = report("merge", "1.state", "2.state", cwd=d)
            self.assertEqual(whole["summary"]["visits"], 6, when)
            self.assertEqual(merged["pages"], whole["pages"], when)

    def test_a_state_continued_with_another_site_says_so(self):
        # A review, 2026-12-07: a state kept for www.example.com, continued with --site other.org, added
        # the two sites' counts up and named other.org alone, without a word.
        d = self.dir("other-site")
        head = os.path.join(d, "head.log")
        with open(head, "wb") as f:
            f.writelines(self.days[0][1][:2000])
        state = os.path.join(d, "s.state")
        code, _, err = run("--site", "www.example.com", "--state", state, "-o", os.devnull, head)
        self.assertEqual(code, 0, err)
        for sites, noted in ((["--site", "other.org"], True), (["--site", "EXAMPLE.com"], False), ([], False),
                             (["--site", "other.org", "--site", "www.example.com"], False)):
            copy = os.path.join(d, "copy.state")
            shutil.copy(state, copy)
            code, _, err = run(*sites, "--state", copy, "-o", os.devnull, head)
            self.assertEqual(code, 0, err)
            self.assertEqual("was kept for the site example.com, and this run's --site is other.org" in err,
                             noted, (sites, err))

    def assert_noted_once(self, old_state, copy, tail, text):
        """Runs TAIL twice on COPY, a copy of tests/data/state/OLD_STATE: TEXT is in the first run's
        notes only (the state is then in the current format)."""
        shutil.copy(os.path.join(ROOT, "tests", "data", "state", old_state), copy)
        for expected in (True, False):
            code, _, err = run("--site", "www.example.com", "--state", copy, "-o", os.devnull, tail)
            self.assertEqual(code, 0, err)
            self.assertEqual(text in err, expected, err)

    def test_a_version_8_state_keeps_its_arrivals_after_a_preview_as_they_were_counted(self):
        # tests/data/state/preview-head.v8.state: written by darkscan at 2508e8b (state format 8, nine
        # kinds of evidence) with `darkscan -q --site www.example.com --state-out preview-head.v8.state
        # preview-head.log`. A WhatsApp fetch at 10:00, referrer-less arrivals at 10:05 and 13:00
        # (both direct_deep_after_preview then, 0.9 each), a search arrival; the tail's arrival at
        # 20:00 is 10 hours after the fetch: direct_deep_after_preview_late (0.75) since format 9.
        d = self.dir("v8")
        data = os.path.join(ROOT, "tests", "data", "state")
        state = os.path.join(d, "s.state")
        shutil.copy(os.path.join(data, "preview-head.v8.state"), state)
        tail = os.path.join(data, "preview-tail.log")
        chained = report("--site", "www.example.com", "--state", state, tail)
        whole = report("--site", "www.example.com", os.path.join(data, "preview-head.log"), tail)
        page = lambda r: next(p for p in r["pages"] if p["path"] == "/news/2026/12/06/lagos-flood")
        self.assertEqual(page(chained)["visits"], 3)
        self.assertEqual(page(whole)["visits"], 3)
        self.assertAlmostEqual(page(chained)["dark_social"], 0.9 + 0.9 + 0.75)
        self.assertAlmostEqual(page(whole)["dark_social"], 0.9 + 0.75 + 0.75)
        with open(state, "rb") as f:
            self.assertEqual(f.read(20)[16:20], (10).to_bytes(4, "little"))
        # The state rewritten in the current format reads back with the same counts.
        self.assertAlmostEqual(page(report("merge", state))["dark_social"], page(chained)["dark_social"])
        # A note says so, once: the file is in the current format after the first run.
        self.assert_noted_once("preview-head.v8.state", os.path.join(d, "again.state"), tail,
                               "is in format 8, from an older darkscan")
        # A format 8 file and its rewrite in the current format are the same shard: refused, not counted twice.
        old = os.path.join(data, "preview-head.v8.state")
        self.assertEqual(run("-q", "merge", old, "--state-out", "v9.state", "-o", os.devnull, cwd=d)[0], 0)
        code, _, err = run("-q", "merge", old, "v9.state", cwd=d)
        self.assertEqual(code, 2, err)
        self.assertIn("holds the same shard", err)

    def test_a_version_9_state_of_a_site_with_kept_parameters_says_its_visits_may_count_one_arrival_more(self):
        # tests/data/state/wordpress-head.v9.state: written by darkscan at 881939e (state format 9) with
        # `TZ=Africa/Lagos darkscan -q --site www.example.com --state-out wordpress-head.v9.state
        # wordpress-head.log`. Its visitor's last page, /?p=2, is kept hashed by path ("/"); since format
        # 10 pages are told apart by page key, and /?p=2 typed again at 09:05 is taken for another
        # page: one arrival more than one run counts (a review, 2026-12-07). A note says so, once.
        d = self.dir("v9")
        data = os.path.join(ROOT, "tests", "data", "state")
        tail = os.path.join(data, "wordpress-tail.log")
        whole = report("--site", "www.example.com", os.path.join(data, "wordpress-head.log"), tail)
        self.assertEqual(whole["summary"]["visits"], 2)
        self.assert_noted_once("wordpress-head.v9.state", os.path.join(d, "s.state"), tail,
                               "told a visitor's last page by its path alone")
        # A state without a page of kept parameters gets no such note.
        plain = os.path.join(d, "plain.state")
        shutil.copy(os.path.join(data, "preview-head.v8.state"), plain)
        code, _, err = run("--site", "www.example.com", "--state", plain, "-o", os.devnull,
                           os.path.join(data, "preview-tail.log"))
        self.assertEqual(code, 0, err)
        self.assertNotIn("by its path alone", err)

    def test_a_version_3_state_is_read_and_rewritten_as_the_current_version(self):
        # tests/data/state/combined-head200.v3.state: written by darkscan at 1a90f72 (state format 3)
        # with `darkscan -q -F json --state-out combined-head200.v3.state head.log`, head.log being
        # the first 200 lines of samples/combined.log.
        d = self.dir("v3")
        state = os.path.join(d, "s.state")
        shutil.copy(os.path.join(ROOT, "tests", "data", "state", "combined-head200.v3.state"), state)
        sample = lines_of(os.path.join(ROOT, "samples", "combined.log"))
        with open(os.path.join(d, "tail.log"), "wb") as f:
            f.writelines(sample[200:])
        # The state holds its lines as the rules of then classified them: /admin/ (line 90) was a page
        # view until assets.rules took back offices in (2026-12-07). Both runs read those rules.
        then = os.path.join(d, "rules")
        shutil.copytree(os.path.join(ROOT, "rules"), then)
        with open(os.path.join(then, "assets.rules")) as f:
            kept = [l for l in f if "/admin(/|$)" not in l]
        with open(os.path.join(then, "assets.rules"), "w") as f:
            f.writelines(kept)
        global ENV
        saved, ENV = ENV, dict(ENV, DARKSCAN_RULES_DIR=then)
        try:
            self.assert_same_report(report(os.path.join(ROOT, "samples", "combined.log")),
                                    report("--state", state, "tail.log", cwd=d))
        finally:
            ENV = saved
        with open(state, "rb") as f:
            self.assertEqual(f.read(20)[16:20], (10).to_bytes(4, "little"))

    def test_a_compressed_file_read_while_it_was_written_counts_each_line_once(self):
        # Run 1 sees access.log.2.gz ending in the middle of a line (still being written: a gzip stream
        # flushed there, without its end); run 2 sees it whole. Before 2026-12-06 the ledger counted
        # the piece of the cut line as read, and its other half came back as a malformed line of run
        # 2 (a review); a parallel scan, which asks for a few bytes at times, still did (a second review).
        d = self.dir("cutgz")
        # The second review's case: this log cut at byte 1,062,280 (found by modelling the parallel
        # scan's reads), and the eighths of a day of the class's log.
        seven = os.path.join(d, "seven.log")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-log"), "--lines", "20000", "--seed", "7",
                        "-o", seven], check=True, stderr=subprocess.DEVNULL)
        with open(seven, "rb") as f:
            cases = [(f.read(), [1062280])]
        day = b"".join(self.days[1][1])
        cases.append((day, [len(day) * eighth // 8 for eighth in range(1, 8)]))
        for n, (day, cuts) in enumerate(cases):
            self.cut_twice(d, n, day, cuts)

    def cut_twice(self, d, n, day, cuts):
        packed = gzip.compress(day)
        with open(os.path.join(d, f"plain-{n}.log"), "wb") as f:
            f.write(day)
        want = report(os.path.join(d, f"plain-{n}.log"))
        for threads in ("1", "2"):
            for eighth, cut in enumerate(cuts):
                cut += 1 if day[cut - 1:cut] == b"\n" else 0  # in the middle of a line
                with self.subTest(threads=threads, cut=cut):
                    z = zlib.compressobj(wbits=31)
                    path = os.path.join(d, f"access-{n}-{threads}-{eighth}.log.2.gz")
                    with open(path, "wb") as f:
                        f.write(z.compress(day[:cut]) + z.flush(zlib.Z_SYNC_FLUSH))
                    state = os.path.join(d, f"s-{n}-{threads}-{eighth}.state")
                    code, _, err = run("-q", "-o", os.devnull, "--threads", threads, "--state", state, path, cwd=d)
                    self.assertIn("truncated gzip data", err)
                    with open(path, "wb") as f:
                        f.write(packed)
                    got = report("--threads", threads, "--state", state, path, cwd=d)
                    for key in ("lines", "parsed", "malformed", "page_views", "visits"):
                        self.assertEqual(got["summary"][key], want["summary"][key], key)

    def test_a_copy_of_lines_the_state_holds_is_no_failed_input(self):
        # The same lines under another name, one of them cut: left out as counted, and the input is
        # not "none of its 1 lines could be read" (a review, 2026-12-06: exit 1, inputs_failed 1).
        d = self.dir("copy")
        day = self.days[0][1]
        with open(os.path.join(d, "a.log"), "wb") as f:
            f.writelines(day)
        with open(os.path.join(d, "a-copy.log"), "wb") as f:
            f.writelines(day[1:100])
            f.write(day[100][:60] + b"\n")  # cut short
            f.writelines(day[101:-1000])  # older than the state's last 10 minutes: all overlapping
        report("--state", "s.state", "a.log", cwd=d)
        code, out, err = run("-F", "json", "--state", "s.state", "a-copy.log", cwd=d)
        self.assertEqual(code, 0, err)
        summary = json.loads(out)["summary"]
        self.assertEqual(summary["inputs_failed"], 0)
        self.assertGreater(summary["inputs"][0]["overlapping"], 0.8 * len(day))
        self.assertIn("a time the state already counts", err)

    def test_a_line_dated_in_the_future_does_not_make_later_nights_skip_their_lines(self):
        # A clock set wrong wrote one line in 2031: the next night's lines, dated before the run's
        # clock, are new (before 2026-12-06 they were all skipped as already counted, every night after).
        d = self.dir("future")
        state = os.path.join(d, "s.state")
        nights = [day_lines for _, day_lines in self.days[:2]]
        with open(os.path.join(d, "night0.log"), "wb") as f:
            f.writelines(nights[0])
            f.write(b'10.9.9.9 - - [01/Jan/2031:00:00:00 +0000] "GET /news/x HTTP/1.1" 200 5 "-" "curl/8"\n')
        with open(os.path.join(d, "night1.log"), "wb") as f:
            f.writelines(nights[1])
        with open(os.path.join(d, "control0.log"), "wb") as f:
            f.writelines(nights[0])
        report("--state", state, "night0.log", cwd=d)
        report("--state", os.path.join(d, "control.state"), "control0.log", cwd=d)
        got = json.loads(run("-q", "-F", "json", "--state", state, "night1.log", cwd=d)[1])
        want = json.loads(run("-q", "-F", "json", "--state", "control.state", "night1.log", cwd=d)[1])
        self.assertEqual(got["summary"]["inputs"][0]["overlapping"], 0)
        self.assertGreater(want["summary"]["inputs"][0]["parsed"], 0.9 * len(nights[1]))
        self.assertEqual(got["summary"]["inputs"][0]["parsed"], want["summary"]["inputs"][0]["parsed"])
        self.assertEqual(got["summary"]["visits"], want["summary"]["visits"])

    def test_a_line_dated_ahead_in_the_past_does_not_make_later_nights_skip_their_lines(self):
        # One line dated weeks ahead of its neighbours, but before the run's clock (a line from
        # another server, an archive imported month by month), last of its file and in the middle
        # of another: the next night's lines are new (until 2026-12-07 every later run skipped all
        # its lines as already counted, with status 0).
        d = self.dir("ahead")
        nights = [day_lines for _, day_lines in self.days[:3]]
        ahead = b'10.9.9.9 - - [01/Dec/2026:00:00:00 +0000] "GET /news/x HTTP/1.1" 200 5 "-" "curl/8"\n'
        with open(os.path.join(d, "night0.log"), "wb") as f:
            f.writelines(nights[0][:100])
            f.write(ahead)
            f.writelines(nights[0][100:])
        with open(os.path.join(d, "night1.log"), "wb") as f:
            f.writelines(nights[1])
            f.write(ahead)
        with open(os.path.join(d, "night2.log"), "wb") as f:
            f.writelines(nights[2])
        state = os.path.join(d, "s.state")
        report("--state", state, "night0.log", cwd=d)
        report("--state", state, "night1.log", cwd=d)
        got = json.loads(run("-q", "-F", "json", "--state", state, "night2.log", cwd=d)[1])
        self.assertEqual(got["summary"]["inputs"][0]["overlapping"], 0)
        self.assertGreater(got["summary"]["inputs"][0]["parsed"], 0.9 * len(nights[2]))
        # The state's guard still works: night 1 again, under another name, is skipped.
        with open(os.path.join(d, "copy1.log"), "wb") as f:
            f.writelines(nights[1][:-200])
        again = json.loads(run("-q", "-F", "json", "--state", state, "copy1.log", cwd=d)[1])
        self.assertEqual(again["summary"]["inputs"][0]["parsed"], 0)

    def test_the_state_ends_with_an_inputs_last_line_after_a_quiet_hour_not_with_two_lines_a_month_ahead(self):
        # A review of the review (2026-12-07): the last line of an input after a quiet hour was left
        # out of the state's end, so a standard input that holds it again counted it twice; two
        # lines a month ahead in a row still made the next night skip all its lines.
        d = self.dir("ends")
        ua = b"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
        line = lambda ip, when, path: b'10.0.%d.%d - - [%s +0000] "GET /%s HTTP/1.1" 200 5 "-" "%s"\n' % (
            ip // 250, ip % 250 + 1, when.encode(), path.encode(), ua)
        first = [line(1, "20/Nov/2026:10:00:00", "a"), line(2, "20/Nov/2026:10:05:00", "b"),
                 line(3, "20/Nov/2026:10:30:00", "c"), line(4, "20/Nov/2026:12:00:00", "d")]
        state = os.path.join(d, "s.state")
        self.assertEqual(run("-q", "--state", state, "-o", os.devnull, "-", stdin=b"".join(first))[0], 0)
        again = first[1:] + [line(5, "20/Nov/2026:13:00:00", "e")]
        got = json.loads(run("-q", "-F", "json", "--state", state, "-", stdin=b"".join(again))[1])
        self.assertEqual(got["summary"]["inputs"][0]["overlapping"], 2)  # 10:05 and 10:30: before 12:00
        ahead = [line(10 + i, "01/Nov/2026:10:0%d:00" % i, "x%d" % i) for i in range(6)]
        ahead += [line(20, "25/Nov/2026:10:00:00", "y"), line(21, "25/Nov/2026:10:01:00", "z")]
        with open(os.path.join(d, "ahead.log"), "wb") as f:
            f.writelines(ahead)
        with open(os.path.join(d, "next.log"), "wb") as f:
            f.writelines(line(30 + i, "02/Nov/2026:10:0%d:00" % i, "n%d" % i) for i in range(6))
        state = os.path.join(d, "t.state")
        report("--state", state, "ahead.log", cwd=d)
        got = json.loads(run("-q", "-F", "json", "--state", state, "next.log", cwd=d)[1])
        self.assertEqual([got["summary"]["inputs"][0][k] for k in ("parsed", "overlapping")], [6, 0])

    def test_a_sparse_log_sent_again_on_standard_input_is_not_counted_twice(self):
        # A line every 30 hours, three new ones a night, each night's standard input the night before
        # and the new lines (zcat -f access.log.1.gz access.log | darkscan --state s -): a third review
        # found every night counting the night before again (6 lines a night where 4 are: the 3 new
        # ones and the state's last, which the 10-minute allowance takes again).
        d = self.dir("sparse")
        ua = b"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
        start = datetime.datetime(2026, 10, 1, tzinfo=datetime.timezone.utc)
        lines = []
        for i in range(18):
            when = (start + datetime.timedelta(hours=30 * i)).strftime("%d/%b/%Y:%H:%M:%S").encode()
            lines.append(b'10.0.0.%d - - [%s +0000] "GET /p%d HTTP/1.1" 200 5 "-" "%s"\n' % (i + 1, when, i, ua))
        nights = [lines[k:k + 3] for k in range(0, 18, 3)]
        state = os.path.join(d, "s.state")
        parsed = []
        for k, new in enumerate(nights):
            window = b"".join((nights[k - 1] if k else []) + new)
            got = json.loads(run("-q", "-F", "json", "--state", state, "-", stdin=window)[1])
            parsed.append(got["summary"]["inputs"][0]["parsed"])
        self.assertEqual(parsed, [3, 3, 4, 4, 4, 4])

    def test_damaged_state_is_refused_and_left_alone(self):
        d = self.dir("damaged")
        state = os.path.join(d, "s.state")
        report("--state", state, self.log)
        with open(state, "rb") as f:
            good = f.read()
        cases = {
            "flipped": good[:len(good) // 2] + bytes([good[len(good) // 2] ^ 0x40]) + good[len(good) // 2 + 1:],
            "truncated": good[:len(good) - 100],
            "empty": b"",
            "not a state": b"".join(self.lines[:5]),
            "version": good[:16] + (99).to_bytes(4, "little") + good[20:],
            "old version": good[:16] + (2).to_bytes(4, "little") + good[20:],
        }
        # A newer darkscan's state is not to be rebuilt: its logs may be gone (a review, 2026-12-07).
        words = {"flipped": "checksum", "truncated": "truncated", "empty": "not a darkscan state",
                 "not a state": "not a darkscan state", "version": "written by a newer darkscan",
                 "old version": "rebuild it from the logs"}
        out = os.path.join(d, "report.json")
        for name, data in cases.items():
            with open(state, "wb") as f:
                f.write(data)
            code, stdout, err = run("--state", state, "-o", out, self.log)
            self.assertEqual(code, 1, name)
            self.assertIn(state, err, name)
            self.assertIn(words[name], err, name)
            with open(state, "rb") as f:
                self.assertEqual(f.read(), data, name)  # untouched
            self.assertFalse(os.path.exists(out), name)  # nothing written
            code, stdout, err = run("merge", state)
            self.assertEqual((code, stdout), (1, ""), name)
        # --state-out does not replace a newer darkscan's state either (a review, 2026-12-07)
        with open(state, "wb") as f:
            f.write(cases["version"])
        code, stdout, err = run("--state-out", state, "-o", out, self.log)
        self.assertEqual(code, 1, err)
        self.assertIn("newer darkscan", err)
        with open(state, "rb") as f:
            self.assertEqual(f.read(), cases["version"])

    def test_usage_errors(self):
        d = self.dir("usage")
        state = os.path.join(d, "s.state")
        code, _, err = run("--state", state, "--hits", self.log)
        self.assertEqual(code, 2)
        self.assertIn("--hits", err)
        report("--state", state, "--keep-param", "id", self.log)
        code, _, err = run("--state", state, "--keep-param", "page", self.log)
        self.assertEqual(code, 2)
        self.assertIn("--keep-param", err)
        # A --keep-param that content.rules already names changes no key: its state merges with
        # one made without it (a review, 2026-12-07: "made with different --keep-param")
        plain, kept = os.path.join(d, "plain.state"), os.path.join(d, "kept.state")
        report("--state-out", plain, self.log)
        report("--state-out", kept, "--keep-param", "id", self.log)
        code, _, err = run("merge", "-q", "-o", os.devnull, plain, kept)
        self.assertNotIn("different --keep-param", err)
        code, _, err = run("merge", os.path.join(d, "missing.state"))
        self.assertEqual(code, 1)
        self.assertIn("missing.state", err)
        code, _, err = run("merge")
        self.assertEqual(code, 2)

    def test_a_state_in_use_is_not_updated_twice(self):
        import fcntl
        d = self.dir("lock")
        state = os.path.join(d, "s.state")
        with open(state + ".lock", "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            code, out, err = run("--state", state, self.log)
            self.assertEqual((code, out), (1, ""))
            self.assertIn("another darkscan is using this state", err)
            self.assertFalse(os.path.exists(state))
        self.assertEqual(run("-q", "--state", state, "-o", os.devnull, self.log)[0], 0)
        # The state a run writes with --state-out, or a merge, is locked too: while a nightly run
        # updates it, either would have lost one of the two updates (a review, 2026-12-07).
        shard = os.path.join(d, "shard.state")
        self.assertEqual(run("-q", "--state-out", shard, "-o", os.devnull, self.log)[0], 0)
        before = os.path.getmtime(state)
        with open(state + ".lock", "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            code, _, err = run("-q", "--state-out", state, "-o", os.devnull, self.log)
            self.assertEqual(code, 1)
            self.assertIn("another darkscan is using this state", err)
            code, _, err = run("merge", "-q", "--state-out", state, "-o", os.devnull, state, shard)
            self.assertEqual(code, 1)
            self.assertIn("another darkscan is using this state", err)
        self.assertEqual(os.path.getmtime(state), before)

    def test_a_state_of_another_time_zones_hours_is_named(self):
        # A review, 2026-12-07: hours counted under TZ=Asia/Kolkata (UTC+05:30) start at :30 UTC;
        # read under UTC, each was placed whole in its days, without a word.
        d = self.dir("zone")
        shard = os.path.join(d, "k.state")
        log = os.path.join(d, "day.log")
        with open(log, "wb") as f:
            f.writelines(self.days[0][1])
        run_in = lambda tz, *args: subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                  env=dict(ENV, TZ=tz), timeout=120)
        self.assertEqual(run_in("Asia/Kolkata", "-q", "--state-out", shard, "-o", os.devnull, log).returncode, 0)
        notes = json.loads(run_in("UTC", "merge", "-q", "-F", "json", shard).stdout)["summary"]["notes"]
        self.assertTrue(any("hours start 30 minutes past this time zone's hours" in n for n in notes), notes)
        notes = json.loads(run_in("Asia/Kolkata", "merge", "-q", "-F", "json", shard).stdout)["summary"]["notes"]
        self.assertFalse(any("minutes past" in n for n in notes), notes)
        notes = json.loads(run_in("Africa/Lagos", "merge", "-q", "-F", "json",  # whole hours: UTC's
                                  os.path.join(d, "k.state")).stdout)["summary"]["notes"]
        self.assertTrue(any("30 minutes past" in n for n in notes), notes)

    def test_a_shard_of_nothing_and_a_device_as_state_are_refused(self):
        # A review, 2026-12-07: an unreadable log gave an empty shard (and a report of nothing),
        # which a merge took for a quiet night; /dev/zero as a state was read until memory ran out.
        d = self.dir("nothing")
        shard, out = os.path.join(d, "x.state"), os.path.join(d, "x.json")
        code, _, err = run("-q", "--state-out", shard, "-o", out, os.path.join(d, "missing.log"))
        self.assertEqual(code, 1)
        self.assertIn("the state '%s' was not written" % shard, err)
        self.assertFalse(os.path.exists(shard))
        self.assertFalse(os.path.exists(out))
        for args in (["--state", "/dev/zero", "-o", os.devnull, self.log], ["merge", "-q", "/dev/zero"]):
            p = subprocess.run([BIN, "-q", *args] if args[0] != "merge" else [BIN, *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, timeout=60)
            self.assertEqual(p.returncode, 1, args)
            self.assertIn(b"'/dev/zero' is a device, not a state written by darkscan", p.stderr)

    def test_rotated_file_is_recognised_by_content(self):
        d = self.dir("rename")
        first = os.path.join(d, "access.log")
        with open(first, "wb") as f:
            f.writelines(self.lines[:1000])
        state = os.path.join(d, "s.state")
        report("--state", state, first)
        # Renamed and compressed, with more lines written before rotation.
        with open(first, "ab") as f:
            f.writelines(self.lines[1000:1500])
        with open(first, "rb") as src, gzip.open(os.path.join(d, "old.gz"), "wb") as dst:
            dst.write(src.read())
        os.remove(first)
        code, out, err = run("-F", "json", "--state", state, os.path.join(d, "old.gz"))
        self.assertEqual(code, 0, err)
        inputs = json.loads(out)["summary"]["inputs"]
        self.assertEqual(inputs[0]["lines"], 500)
        self.assertEqual(json.loads(out)["summary"]["lines"], 1500)


if __name__ == "__main__":
    harness.main()
