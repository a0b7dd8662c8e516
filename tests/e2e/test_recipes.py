#!/usr/bin/env python3
"""The README's scheduling recipes, run as written (Python 3 stdlib only).

CrontabTest takes every crontab line of README.md (with the PATH= line before it), unescapes `\\%`
as cron does, and runs it through `sh -c` with cron's minimal environment (PATH=/usr/bin:/bin, as
cron sets it), darkscan installed in a stand-in for /usr/local/bin, /var/log/nginx and
/var/lib/darkscan moved to a temporary folder holding a rotated set of generated logs that spans
yesterday. SystemdTest checks the README's unit files with `systemd-analyze verify`, with darkscan
where the Debian package puts it (/usr/bin) and where `cmake --install` does (/usr/local/bin).
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
import unittest

import harness

ROOT = harness.ROOT
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
CRON_LINE = re.compile(r"^([0-9*,/-]+ ){5}darkscan ")


def readme_blocks():
    with open(os.path.join(ROOT, "README.md")) as f:
        return re.findall(r"^```[a-z]*\n(.*?)^```", f.read(), re.M | re.S)


def crontabs():
    """(PATH value or None, command) for each crontab line of the README."""
    found = []
    for block in readme_blocks():
        path = None
        for line in block.splitlines():
            if line.startswith("PATH="):
                path = line[len("PATH="):]
            elif CRON_LINE.match(line):
                found.append((path, line.split(" ", 5)[5]))
    return found


class CrontabTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="darkscan-recipes-")
        cls.logs = os.path.join(cls.tmp, "var", "log", "nginx")
        os.makedirs(cls.logs)
        cls.local_bin = os.path.join(cls.tmp, "usr", "local", "bin")
        os.makedirs(cls.local_bin)
        shutil.copy(BIN, os.path.join(cls.local_bin, "darkscan"))
        # Three days up to tomorrow, so that "yesterday" is inside; rotated as logrotate leaves them.
        today = datetime.datetime.now(datetime.timezone.utc).date()
        start = (today - datetime.timedelta(days=2)).isoformat() + "T00:00:00Z"
        log = os.path.join(cls.tmp, "all.log")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-log"), "--lines", "9000", "--days",
                        "3", "--start", start, "--seed", "3", "-o", log], check=True, stderr=subprocess.DEVNULL)
        with open(log, "rb") as f:
            lines = f.read().splitlines(keepends=True)
        with gzip.open(os.path.join(cls.logs, "access.log.2.gz"), "wb") as f:
            f.write(b"".join(lines[:3000]))
        with open(os.path.join(cls.logs, "access.log.1"), "wb") as f:
            f.write(b"".join(lines[3000:6000]))
        with open(os.path.join(cls.logs, "access.log"), "wb") as f:
            f.write(b"".join(lines[6000:]))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def cron(self, path, command, out):
        """Runs `command` as cron would: `%` unescaped, sh -c, cron's environment plus the PATH line."""
        command = command.replace("\\%", "%")
        command = command.replace("/var/log/nginx", self.logs).replace("/var/lib/darkscan", out)
        env = {"HOME": self.tmp, "LOGNAME": "root", "SHELL": "/bin/sh", "TZ": "UTC",
               "PATH": (path or "/usr/bin:/bin").replace("/usr/local/bin", self.local_bin)}
        return subprocess.run(["/bin/sh", "-c", command], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=120)

    def test_every_crontab_line_runs(self):
        lines = crontabs()
        self.assertGreaterEqual(len(lines), 3, lines)
        for path, command in lines:
            with self.subTest(command=command):
                self.assertEqual(path, "/usr/local/bin:/usr/bin:/bin", "a crontab without PATH= finds no "
                                 "darkscan installed by cmake --install (cron's PATH is /usr/bin:/bin)")
                out = tempfile.mkdtemp(dir=self.tmp)
                for _ in range(2):  # a second night: --state reads only what is new
                    p = self.cron(path, command, out)
                    self.assertEqual(p.returncode, 0, p.stderr.decode())
                self.assertNotIn(b"misses it", p.stderr)  # the files cover yesterday
                written = [f for f in os.listdir(out) if f.endswith(".json")]
                self.assertTrue(written, os.listdir(out))
                for name in written:
                    with open(os.path.join(out, name)) as f:
                        s = json.load(f)["summary"]
                    self.assertGreater(s["visits"], 0, name)
                    self.assertEqual(s["inputs_failed"], 0, name)
                    self.assertNotIn("%", name)

    def test_without_the_path_line_cron_finds_no_cmake_install(self):
        path, command = crontabs()[0]
        p = self.cron(None, command, tempfile.mkdtemp(dir=self.tmp))
        self.assertEqual(p.returncode, 127, "darkscan is not in /usr/bin on this machine")


class SystemdTest(unittest.TestCase):
    def units(self):
        for block in readme_blocks():
            if "[Service]" in block:
                return dict(re.findall(r"^# /etc/systemd/system/(\S+)\n(.*?)(?=^# /etc/|\Z)", block, re.M | re.S))
        self.fail("no unit file in README.md")

    def test_units_verify_for_both_install_methods(self):
        harness.require(shutil.which("systemd-analyze"), "systemd-analyze (Debian: systemd; "
                                                         "scripts/install-deps --tests)")
        units = self.units()
        self.assertEqual(sorted(units), ["darkscan-nightly.service", "darkscan-nightly.timer"])
        for bindir in ("usr/bin", "usr/local/bin", None):
            with self.subTest(bindir=bindir), tempfile.TemporaryDirectory(prefix="darkscan-systemd-") as root:
                shutil.copytree("/usr/lib/systemd/system", os.path.join(root, "usr/lib/systemd/system"),
                                symlinks=True)
                unit_dir = os.path.join(root, "etc/systemd/system")
                os.makedirs(unit_dir)
                for name, text in units.items():
                    with open(os.path.join(unit_dir, name), "w") as f:
                        f.write(text)
                if bindir:
                    os.makedirs(os.path.join(root, bindir))
                    shutil.copy(BIN, os.path.join(root, bindir, "darkscan"))
                p = subprocess.run(["systemd-analyze", "verify", "--root=" + root,
                                    *[os.path.join(unit_dir, n) for n in sorted(units)]],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
                if bindir:
                    self.assertEqual(p.returncode, 0, p.stdout.decode())
                    self.assertEqual(p.stdout, b"")
                else:  # the check can fail: without darkscan installed it must
                    self.assertNotEqual(p.returncode, 0)
                    self.assertIn(b"darkscan is not executable", p.stdout)


if __name__ == "__main__":
    harness.main()
