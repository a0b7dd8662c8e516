#!/usr/bin/env python3
"""The simulated-site bench runs end to end (bench/sim-site, bench/sim-score): the generator is
deterministic and the scorer reads darkscan's report. It measures; it does not hold darkscan to the
targets (bench/results/ keeps the figures)."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import harness

ROOT = harness.ROOT
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)


class SimTest(unittest.TestCase):
    def test_small_site_is_generated_and_scored(self):
        with tempfile.TemporaryDirectory(prefix="darkscan-sim-") as d:
            paths = []
            for run in ("a", "b"):
                log, truth = os.path.join(d, run + ".log"), os.path.join(d, run + ".json")
                subprocess.run([sys.executable, os.path.join(ROOT, "bench", "sim-site"), "--scenario", "small",
                                "--seed", "3", "-o", log, "--truth", truth], check=True, stderr=subprocess.DEVNULL)
                paths.append((log, truth))
            with open(paths[0][0], "rb") as a, open(paths[1][0], "rb") as b:
                self.assertEqual(a.read(), b.read(), "the same seed gives the same log")
            p = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "sim-score"), "--darkscan", BIN,
                                "--json", *paths[0]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            score = json.loads(p.stdout)
            self.assertGreater(score["pages_scored"], 5)
            self.assertEqual(score["pages_missing"], 0)
            for key in ("mae", "naive_mae", "coverage", "mean_width"):
                self.assertGreaterEqual(score[key], 0.0, key)
                self.assertLessEqual(score[key], 1.0, key)
            # Not a target: a sanity bound that catches a scorer reading the wrong field.
            self.assertLess(score["mae"], score["naive_mae"])


if __name__ == "__main__":
    harness.main()
