#!/usr/bin/env python3
"""scripts/darkscan-dask on a real Dask cluster on this machine (a scheduler and two workers on
127.0.0.1): a generated log of three days cut into four time-adjacent shards (one gzip-compressed),
so that sessions and previews cross shard boundaries, gives the same JSON report as darkscan over
the whole log, but for the fields that name the inputs. A missing shard is named and fails the run.
Skipped when Python's `distributed` is missing (Debian: python3-distributed). Binary from DARKSCAN
(default build/darkscan under the repo root). Everything started is killed at the end, and each
process is bounded by timeout(1) in case this test itself is killed."""

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import harness

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
RUNNER = os.path.join(ROOT, "scripts", "darkscan-dask")
GEN_LOG = os.path.join(ROOT, "bench", "gen-log")

LIFETIME = 110   # seconds any cluster process may live, even if this test is killed
START_WAIT = 40  # seconds for the scheduler and both workers to come up
RUN_WAIT = 60    # seconds for one run of the runner
SHARDS = 4
ENV = dict(os.environ, TZ="UTC")


def python_with_distributed():
    """An interpreter that can import distributed: this one, else Debian's (python3-distributed
    installs there, while the python3 first in PATH may be a pyenv or venv one), else None."""
    candidates = [sys.executable, "/usr/bin/python3", shutil.which("python3")]
    for python in dict.fromkeys(c for c in candidates if c and os.path.exists(c)):
        p = subprocess.run([python, "-c", "import distributed"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
        if p.returncode == 0:
            return python
    return None


def comparable(report):
    """The parsed JSON report without the fields that name the inputs (file names, line numbers
    of malformed examples) or tell about the run (notes), which differ between shards and the
    whole log by design."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("inputs", "malformed_examples", "notes")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip(json.loads(report))


class DaskTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.python = python_with_distributed()
        if cls.python is None:
            harness.require(False, "Python's 'distributed' (Debian: python3-distributed; "
                                   "scripts/install-deps --tests)")
        cls.tmp = tempfile.TemporaryDirectory(prefix="darkscan-dask-test-")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.processes = []
        cls.addClassCleanup(cls.stop_cluster)  # runs even if setUpClass fails below
        tmp = cls.tmp.name

        # Three days of traffic, with some malformed lines, cut into 4 consecutive shards.
        cls.whole = os.path.join(tmp, "whole.log")
        subprocess.run([sys.executable, GEN_LOG, "--lines", "40000", "--seed", "7", "--days", "3",
                        "--malformed-per-million", "500", "-o", cls.whole],
                       check=True, stderr=subprocess.DEVNULL, timeout=60)
        with open(cls.whole, "rb") as f:
            lines = f.read().split(b"\n")  # not splitlines(): binary noise may hold \r, \x0c...
        if lines[-1] == b"":
            lines.pop()
        size = (len(lines) + SHARDS - 1) // SHARDS
        cls.shards = []
        for i in range(SHARDS):
            chunk = b"".join(l + b"\n" for l in lines[i * size:(i + 1) * size])
            if i == 1:
                path = os.path.join(tmp, "shard%d.log.gz" % (i + 1))
                with gzip.open(path, "wb") as f:
                    f.write(chunk)
            else:
                path = os.path.join(tmp, "shard%d.log" % (i + 1))
                with open(path, "wb") as f:
                    f.write(chunk)
            cls.shards.append(path)

        # A scheduler on a free port (it writes its address to the scheduler file) and two workers.
        scheduler_file = os.path.join(tmp, "scheduler.json")
        cls.start("scheduler", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                  "--port", "0", "--no-dashboard", "--scheduler-file", scheduler_file)
        deadline = time.monotonic() + START_WAIT
        while True:
            try:
                with open(scheduler_file) as f:
                    cls.address = json.load(f)["address"]
                break
            except (OSError, ValueError, KeyError):
                cls.check_alive(deadline)
                time.sleep(0.1)
        for name in ("worker1", "worker2"):
            os.mkdir(os.path.join(tmp, name))
            cls.start(name, "distributed.cli.dask_worker", "--scheduler-file", scheduler_file,
                      "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard", "--no-nanny",
                      "--death-timeout", "30", "--local-directory", os.path.join(tmp, name))
        for name in ("worker1", "worker2"):
            while "Registered to:" not in cls.log_of(name):
                cls.check_alive(deadline)
                time.sleep(0.1)

    @classmethod
    def start(cls, name, module, *args):
        log = open(os.path.join(cls.tmp.name, name + ".log"), "wb")
        # own session, so that stop_cluster kills the process group: timeout(1), python, and any
        # darkscan a worker runs; timeout(1) bounds them all if this test is killed first
        p = subprocess.Popen(["timeout", "-k", "5", str(LIFETIME), cls.python, "-m", module, *args],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                             cwd=cls.tmp.name, env=ENV, start_new_session=True)
        log.close()
        cls.processes.append((name, p))

    @classmethod
    def log_of(cls, name):
        try:
            with open(os.path.join(cls.tmp.name, name + ".log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    @classmethod
    def check_alive(cls, deadline):
        for name, p in cls.processes:
            if p.poll() is not None:
                raise RuntimeError("dask %s exited with status %s:\n%s" %
                                   (name, p.returncode, cls.log_of(name)[-3000:]))
        if time.monotonic() > deadline:
            raise RuntimeError("the Dask cluster did not start within %d s:\n%s" %
                               (START_WAIT, "\n".join("--- %s\n%s" % (n, cls.log_of(n)[-2000:])
                                                      for n, _ in cls.processes)))

    @classmethod
    def stop_cluster(cls):
        for _, p in cls.processes:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        for _, p in cls.processes:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(p.pid, signal.SIGKILL)  # whatever is left in the group
            except ProcessLookupError:
                pass
            p.wait()

    def run_runner(self, *args):
        p = subprocess.run([self.python, RUNNER, "--darkscan", BIN, "--timeout", "20", *args],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=ENV, timeout=RUN_WAIT)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace")

    def whole_report(self, *options):
        p = subprocess.run([BIN, "-q", *options, self.whole], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=ENV, timeout=RUN_WAIT)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def assertSameReport(self, got, expected):
        """Equal reports, or a failure that shows the first few differences, not a huge diff."""
        if got == expected:
            return
        differences = []
        for key in sorted(set(got) | set(expected)):
            a, b = got.get(key), expected.get(key)
            if isinstance(a, list) and isinstance(b, list):
                if len(a) != len(b):
                    differences.append("%s: %d entries, %d in the whole run" % (key, len(a), len(b)))
                differences += ["%s[%d]: %s\n    whole run: %s" % (key, i, json.dumps(x), json.dumps(y))
                                for i, (x, y) in enumerate(zip(a, b)) if x != y]
            elif a != b:
                differences.append("%s: %s\n    whole run: %s" % (key, json.dumps(a), json.dumps(b)))
        self.fail("the merged report differs from the whole run's in %d place(s):\n%s" %
                  (len(differences), "\n".join(differences[:6])))

    def test_shards_give_the_whole_report(self):
        states = os.path.join(self.tmp.name, "states")
        code, out, err = self.run_runner("-v", "--states-dir", states, self.address, *self.shards,
                                         "--", "-F", "json")
        self.assertEqual(code, 0, err)
        self.assertSameReport(comparable(out), comparable(self.whole_report("-F", "json")))
        self.assertIn("tcp://", err)  # -v names the workers
        # the kept states merge to the same report in any order, with any report options
        kept = sorted(os.path.join(states, n) for n in os.listdir(states))
        self.assertEqual(len(kept), SHARDS, kept)
        for options in (["-F", "json"], ["-F", "json", "--by", "day"]):
            with self.subTest(options=options):
                p = subprocess.run([BIN, "merge", *options, *reversed(kept)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                                   timeout=RUN_WAIT)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertSameReport(comparable(p.stdout), comparable(self.whole_report(*options)))

    def test_report_options_pass_through(self):
        code, out, err = self.run_runner(self.address, *self.shards, "--", "-F", "json",
                                         "--by", "day", "--top", "5")
        self.assertEqual(code, 0, err)
        self.assertSameReport(comparable(out),
                              comparable(self.whole_report("-F", "json", "--by", "day", "--top", "5")))

    def test_missing_shard_is_named(self):
        missing = os.path.join(self.tmp.name, "no-such-shard.log")
        code, out, err = self.run_runner(self.address, self.shards[0], missing, "--", "-F", "json")
        self.assertNotEqual(code, 0)
        self.assertIn(missing, err)
        self.assertEqual(out, b"")  # no report from the shards that could be read

    def test_unreachable_scheduler_is_said(self):
        start = time.monotonic()
        p = subprocess.run([self.python, RUNNER, "--darkscan", BIN, "--timeout", "2",
                            "tcp://127.0.0.1:1", self.shards[0]], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, timeout=RUN_WAIT)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"cannot reach the Dask scheduler at tcp://127.0.0.1:1", p.stderr)
        self.assertLess(time.monotonic() - start, 20)


if __name__ == "__main__":
    harness.main()
