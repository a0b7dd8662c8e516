"""What every end-to-end test script shares: where things are, prerequisites, and the exit status.

Prerequisites (a tool, a Python module, ../shared/data) are asked for with require(). Outside CI a
missing one skips the test with a message naming it, and main() exits with status 77, which ctest
shows as "Skipped" (SKIP_RETURN_CODE, tests/CMakeLists.txt), never as "Passed". Under CI=true (set
by .ci/run) a missing prerequisite is a failure: CI installs everything the suite needs
(scripts/install-deps --tests), so a skip there would hide a test that never ran.
"""

import os
import subprocess
import sys
import unittest

# The suite checks English output: the user's locale must not translate it (test_french.py sets
# its own). LC_ALL wins over LANG and LC_MESSAGES; LANGUAGE is read only when a locale is set.
os.environ["LC_ALL"] = "C.UTF-8"
os.environ.pop("LANGUAGE", None)

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SKIP_STATUS = 77


def read_bytes(path):
    """The whole file, as bytes."""
    with open(path, "rb") as f:
        return f.read()


def write_bytes(path, data):
    """Writes `data` (bytes) to `path`; returns the path."""
    with open(path, "wb") as f:
        f.write(data)
    return path


def in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(ok, what):
    """Skips the calling test (or class, from setUpClass) unless `ok`; fails instead under CI=true."""
    if ok:
        return
    if in_ci():
        raise AssertionError("missing prerequisite under CI=true: " + what)
    raise unittest.SkipTest("missing prerequisite: " + what)


def _origin_dir():
    """The directory of the repository this checkout was cloned from, when it is a local path."""
    try:
        url = subprocess.run(["git", "-C", ROOT, "config", "--get", "remote.origin.url"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
    except OSError:
        return None
    if url.startswith("file://"):
        url = url[len("file://"):]
    return os.path.abspath(os.path.join(ROOT, url)) if url and "://" not in url and ":" not in url else None


def shared_data(*parts):
    """The path of ../shared/data/<parts> (read-only data beside the checkout; see its README).

    Looked for in $DARKSCAN_SHARED_DATA, then beside the checkout or any folder above it, then beside
    the repository it was cloned from (CI tests a clone). None when it is nowhere."""
    candidates = []
    if os.environ.get("DARKSCAN_SHARED_DATA"):
        candidates.append(os.environ["DARKSCAN_SHARED_DATA"])
    for start in (ROOT, _origin_dir()):
        folder = start
        while folder:
            candidates.append(os.path.join(folder, "..", "shared", "data"))
            parent = os.path.dirname(folder)
            folder = parent if parent != folder else None
    for c in candidates:
        path = os.path.normpath(os.path.join(c, *parts))
        if os.path.exists(path):
            return path
    return None


def locale_installed(name):
    """Whether `locale -a` lists `name` ("fr_FR.UTF-8" is listed as "fr_FR.utf8")."""
    out = subprocess.run(["locale", "-a"], stdout=subprocess.PIPE, text=True).stdout.split()
    return name.lower().replace("utf-8", "utf8") in {l.lower() for l in out}


def require_french():
    """Skips (fails under CI=true) unless the fr_FR.UTF-8 locale the French tests run under is there."""
    require(locale_installed("fr_FR.UTF-8"), "the fr_FR.UTF-8 locale (scripts/install-deps --tests)")


def main():
    """unittest.main(), but exit status 77 when nothing failed and something was skipped."""
    program = unittest.main(exit=False)
    result = program.result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.skipped:
        for test, reason in result.skipped:
            print("SKIPPED %s: %s" % (test.id(), reason), file=sys.stderr)
        sys.exit(SKIP_STATUS)
    if result.testsRun == 0:
        print("no test ran", file=sys.stderr)
        sys.exit(1)
    sys.exit(0)
