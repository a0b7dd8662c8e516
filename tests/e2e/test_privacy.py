#!/usr/bin/env python3
"""No output of darkscan contains a client address unless --show-ip is given; --hits shows a salted
visitor hash instead (random salt per run unless --salt). Binary from DARKSCAN (default
build/darkscan under the repo root)."""

import json
import os
import re
import subprocess
import unittest

import harness

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
SAMPLES = [os.path.join(ROOT, "samples", n) for n in ("combined.log", "combined-xff.log", "vcombined.log")]


def run(*args):
    p = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, TZ="UTC"))
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def client_addresses():
    """Every client and forwarded-for address in the samples (first fields, XFF lists)."""
    found = set()
    for path in SAMPLES:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                for token in re.findall(r"(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])|"
                                        r"(?<![\w:])[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])", line):
                    if len(token) >= 7:
                        found.add(token)
    return found


class PrivacyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.addresses = client_addresses()

    def assertNoAddress(self, text, what):
        leaked = [a for a in self.addresses if a in text]
        self.assertEqual(leaked, [], what)

    def test_reports_hold_no_address(self):
        self.assertGreater(len(self.addresses), 50)
        for fmt in ("table", "tsv", "csv", "json", "ndjson"):
            code, out, err = run("-F", fmt, "-n", "1000", *SAMPLES)
            self.assertEqual(code, 0, err)
            self.assertNoAddress(out, fmt)
            self.assertNoAddress(err, fmt + " (stderr)")

    def test_hits_show_a_salted_hash_not_the_address(self):
        for fmt in ("ndjson", "tsv"):
            code, out, err = run("-q", "--hits", "-F", fmt, "--explain", *SAMPLES)
            self.assertEqual(code, 0, err)
            self.assertNoAddress(out, "--hits " + fmt)
        _, a, _ = run("-q", "--hits", SAMPLES[0])
        _, b, _ = run("-q", "--hits", SAMPLES[0])
        va = [json.loads(l)["visitor"] for l in a.splitlines()]
        vb = [json.loads(l)["visitor"] for l in b.splitlines()]
        self.assertTrue(all(re.fullmatch(r"[0-9a-f]{16}", v) for v in va))
        self.assertNotEqual(va, vb)  # a new random salt each run
        # the same visitor has the same hash within a run
        self.assertLess(len(set(va)), len(va))
        _, c, _ = run("-q", "--hits", "--salt", "k", SAMPLES[0])
        _, d, _ = run("-q", "--hits", "--salt", "k", SAMPLES[0])
        self.assertEqual(c, d)

    def test_show_ip(self):
        code, out, err = run("-q", "--hits", "--show-ip", SAMPLES[0])
        self.assertEqual(code, 0, err)
        records = [json.loads(l) for l in out.splitlines()]
        self.assertTrue(any(r["client"] in self.addresses for r in records))
        code, _, err = run("--show-ip", SAMPLES[0])
        self.assertEqual(code, 2)
        self.assertIn("--hits", err)


if __name__ == "__main__":
    harness.main()
