#!/usr/bin/env python3
"""Golden outputs of the report, one per format, on samples/: a change in any number, order, column
or escape shows up as a diff. DARKSCAN_UPDATE_GOLDEN=1 rewrites tests/data/report/ (review the diff
before committing it). Binary from DARKSCAN (default build/darkscan under the repo root)."""

import difflib
import os
import subprocess
import unittest

import harness

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
GOLDEN = os.path.join(ROOT, "tests", "data", "report")
INPUTS = ["samples/combined.log", "samples/combined.log.gz"]

CASES = {
    "combined.table": ["-F", "table", "-n", "10"],
    "combined.tsv": ["-F", "tsv"],
    "combined.csv": ["-F", "csv"],
    "combined.json": ["-F", "json"],
    "combined.ndjson": ["-F", "ndjson"],
    "combined-by-day.tsv": ["-F", "tsv", "--by", "day"],
    "combined-min-visits.json": ["-F", "json", "--min-visits", "3", "--keep-param", "utm_source"],
    "combined.html": ["-F", "html"],
    # The report for people in French (po/fr.po), as a French-speaking user reads it.
    "combined.fr.table": ["-F", "table", "-n", "10"],
    "combined.fr.html": ["-F", "html"],
}
FRENCH = {"LC_ALL": "fr_FR.UTF-8"}


def run(args, lang=None):
    env = dict(os.environ, TZ="UTC", NO_COLOR="1", **(lang or {}))
    p = subprocess.run([BIN, "-q", "--site", "www.example.com", *args, "--", *INPUTS], cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=60)
    return p


class ReportGoldenTest(unittest.TestCase):
    def test_formats(self):
        update = os.environ.get("DARKSCAN_UPDATE_GOLDEN") == "1"
        for name, args in CASES.items():
            with self.subTest(name):
                french = ".fr." in name
                if french:
                    harness.require_french()
                p = run(args, FRENCH if french else None)
                self.assertEqual(p.returncode, 0, p.stderr)
                path = os.path.join(GOLDEN, name)
                if update:
                    os.makedirs(GOLDEN, exist_ok=True)
                    with open(path, "wb") as f:
                        f.write(p.stdout)
                with open(path, "rb") as f:
                    expected = f.read()
                if p.stdout != expected:
                    diff = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                                p.stdout.decode("utf-8", "replace").splitlines(),
                                                "expected", "got", lineterm="", n=1)
                    self.fail("%s differs from %s:\n%s" % (name, path, "\n".join(list(diff)[:40])))


if __name__ == "__main__":
    harness.main()
