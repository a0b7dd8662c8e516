#!/usr/bin/env python3
"""The quick start's build needs no test dependency (Python 3 stdlib only).

scripts/run-sample, scripts/build and a packager's plain `cmake -S . -B build` must configure on a
machine without Catch2: scripts/install-deps installs Catch2 only with --tests. Catch2 is hidden here
with CMAKE_DISABLE_FIND_PACKAGE_Catch2, so the check holds on a machine that has it (as CI's has).
The full fresh-machine check is scripts/ci-quick-start (a bare Debian 12 in a chroot, run by .ci/run).
"""

import os
import shutil
import subprocess
import tempfile
import unittest

import harness

ROOT = harness.ROOT


class PlainConfigureTest(unittest.TestCase):
    def configure(self, *args):
        harness.require(shutil.which("cmake"), "cmake")
        with tempfile.TemporaryDirectory(prefix="darkscan-configure-") as build:
            p = subprocess.run(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_DISABLE_FIND_PACKAGE_Catch2=TRUE",
                                *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
            has_tests = os.path.exists(os.path.join(build, "tests", "CTestTestfile.cmake"))
        return p.returncode, p.stdout.decode(errors="replace"), has_tests

    def test_plain_configure_needs_no_catch2(self):
        code, out, has_tests = self.configure()
        self.assertEqual(code, 0, out[-3000:])
        self.assertFalse(has_tests, "a plain build configures no tests")

    def test_tests_on_asks_for_catch2(self):
        # The switch scripts/test uses: with Catch2 hidden, the configure says what is missing.
        code, out, _ = self.configure("-DDARKSCAN_TESTS=ON")
        self.assertNotEqual(code, 0)
        self.assertIn("Catch2", out)

    def test_scripts_agree(self):
        # scripts/build and scripts/run-sample build without tests; scripts/test turns them on.
        def read(name):
            with open(os.path.join(ROOT, "scripts", name)) as f:
                return f.read()
        self.assertNotIn("DARKSCAN_TESTS=ON", read("build") + read("run-sample"))
        self.assertIn("install-deps --tests", read("test"))
        self.assertIn("-DDARKSCAN_TESTS=ON", read("test"))


if __name__ == "__main__":
    harness.main()
