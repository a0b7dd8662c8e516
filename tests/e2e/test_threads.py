#!/usr/bin/env python3
"""darkscan gives the same output, byte for byte, for any thread count (--threads), on the samples
and on a generated input full of edge cases: CRLF, overlong lines across block boundaries, empty and
cut lines, and no final newline. Binary from DARKSCAN (default build/darkscan under the repo root)."""

import hashlib
import json
import os
import random
import subprocess
import tempfile
import unittest

import harness

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)


def run(*args):
    p = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, TZ="UTC"))
    return p.returncode, p.stdout, p.stderr


class ThreadsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="darkscan-threads-")
        base = open(os.path.join(ROOT, "samples", "combined.log"), "rb").read().split(b"\n")
        rng = random.Random(7)
        lines = []
        for _ in range(30000):
            line = rng.choice(base)
            r = rng.random()
            if r < 0.01:
                line += b"\r"
            elif r < 0.012:
                line = b"x" * rng.choice([70000, 1100000, 65536, 65537])  # around the cap and a block
            elif r < 0.015:
                line = b""
            elif r < 0.017:
                line = line[: len(line) // 2]
            lines.append(line)
        cls.mixed = os.path.join(cls.tmp.name, "mixed.log")
        with open(cls.mixed, "wb") as f:
            f.write(b"\n".join(lines))  # no final newline

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def same_for_all_thread_counts(self, *args):
        outputs = {}
        for threads in ("1", "2", "3", "8"):
            code, out, err = run("--threads", threads, *args)
            outputs[threads] = (code, hashlib.sha256(out).hexdigest(), err.splitlines()[-1:])
        first = outputs["1"]
        for threads, got in outputs.items():
            self.assertEqual(got[0], first[0], (threads, args))
            self.assertEqual(got[1], first[1], ("output differs with --threads %s" % threads, args))
        return first

    def test_report_json(self):
        for name in ("combined.log", "vcombined.log", "broken.log", "combined.log.gz",
                     "rotated-multimember.log.gz"):
            with self.subTest(name):
                self.same_for_all_thread_counts("-q", "-F", "json", os.path.join(ROOT, "samples", name))

    def test_mixed_input(self):
        code, _, _ = self.same_for_all_thread_counts("-q", "-F", "json", self.mixed)
        self.assertEqual(code, 0)
        self.same_for_all_thread_counts("-q", "--hits", "--salt", "s", self.mixed)
        # and the counts are right: every line counted once, the last one too
        _, out, _ = run("-q", "--threads", "2", "--hits", "-F", "tsv", self.mixed)
        numbers = [int(l.split(b"\t")[1]) for l in out.splitlines()[1:]]
        self.assertEqual(numbers, sorted(numbers))
        self.assertEqual(numbers[-1], 30000)

    def test_block_sizes(self):
        outputs = set()
        for block in ("64", "1000", "65536", "1048576"):
            for threads in ("2", "3"):
                code, out, err = run("-q", "-F", "json", "--threads", threads, "--block-size", block, self.mixed)
                self.assertEqual(code, 0, err)
                outputs.add(hashlib.sha256(out).hexdigest())
        _, serial, _ = run("-q", "-F", "json", "--threads", "1", self.mixed)
        outputs.add(hashlib.sha256(serial).hexdigest())
        self.assertEqual(len(outputs), 1)

    def test_w3c_directive_without_request_fields(self):
        # A #Fields directive that names no request field, then a good one in the same block: the
        # reading thread looked no further than the first and gave the lines after the second the
        # old fields (all malformed) with --threads 2 or more.
        good = "#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status cs(User-Agent) cs(Referer)"
        row = "2026-11-20 07:%02d:%02d 198.51.100.%d GET /news/a-%d - 200 Mozilla/5.0+(X11) -"
        lines = ["#Software: Microsoft Internet Information Services 10.0", good]
        lines += [row % (i // 60, i % 60, i % 250, i % 7) for i in range(100)]
        # then fields in another order: read with the first ones, these lines do not parse
        other = "#Fields: date time cs-method cs-uri-stem sc-status c-ip cs(Referer) cs(User-Agent)"
        row2 = "2026-11-20 09:%02d:%02d GET /news/a-%d 200 198.51.100.%d - Mozilla/5.0+(X11)"
        lines += ["#Fields: date time x-note", "2026-11-20 08:00:00 hello", other]
        lines += [row2 % (i // 60, i % 60, i % 7, i % 250) for i in range(300)]
        path = os.path.join(self.tmp.name, "fields.log")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        for block in ("1048576", "256"):
            with self.subTest(block=block):
                self.same_for_all_thread_counts("-q", "-F", "json", "--block-size", block, path)
        _, out, _ = run("-q", "-F", "json", "--threads", "2", path)
        summary = json.loads(out)["summary"]
        # malformed: the directive that names no request field, and the one line read with it
        self.assertEqual((summary["malformed"], summary["page_views"]), (2, 400), summary)

    def test_several_inputs_and_stdin(self):
        sample = os.path.join(ROOT, "samples", "combined.log")
        self.same_for_all_thread_counts("-q", "-F", "json", sample, self.mixed, sample)
        outputs = set()
        for threads in ("1", "2"):
            with open(self.mixed, "rb") as f:
                p = subprocess.run([BIN, "-q", "-F", "json", "--threads", threads], stdin=f,
                                   stdout=subprocess.PIPE, env=dict(os.environ, TZ="UTC"))
            outputs.add(hashlib.sha256(p.stdout).hexdigest())
        self.assertEqual(len(outputs), 1)


if __name__ == "__main__":
    harness.main()
