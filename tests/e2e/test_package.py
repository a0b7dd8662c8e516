#!/usr/bin/env python3
"""The Debian package (cpack -G DEB, as scripts/package builds it): its name and version, the library
dependencies dpkg-shlibdeps found, the files where Debian expects them, and a binary that works at once
from the unpacked tree (rules found beside it, man page readable). As root, apt must accept it
(`apt-get install --simulate ./darkscan_*.deb`). DARKSCAN_BUILD: the build directory to package."""

import glob
import gzip
import os
import shutil
import subprocess
import tempfile
import unittest

import harness

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("DARKSCAN_BUILD") or os.path.join(ROOT, "build")
SANITIZED = os.environ.get("DARKSCAN_SANITIZED", "0").lower() in ("1", "on", "true", "yes")


class PackageTest(unittest.TestCase):
    """Not registered in sanitizer builds (tests/CMakeLists.txt): those are not packaged."""

    @classmethod
    def setUpClass(cls):
        harness.require(shutil.which("cpack") and shutil.which("dpkg-deb"), "cpack and dpkg-deb")
        cls.tmp = tempfile.mkdtemp(prefix="darkscan-deb-")
        subprocess.run(["cpack", "-G", "DEB", "-B", cls.tmp, "--config", os.path.join(BUILD, "CPackConfig.cmake")],
                       check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        debs = glob.glob(os.path.join(cls.tmp, "darkscan_*.deb"))
        assert len(debs) == 1, debs
        cls.deb = debs[0]
        cls.root = os.path.join(cls.tmp, "root")
        subprocess.run(["dpkg-deb", "-x", cls.deb, cls.root], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def field(self, name):
        return subprocess.run(["dpkg-deb", "-f", self.deb, name], stdout=subprocess.PIPE,
                              check=True).stdout.decode().strip()

    def test_control_fields(self):
        self.assertEqual(self.field("Package"), "darkscan")
        version = subprocess.run([os.path.join(BUILD, "darkscan"), "--version"], stdout=subprocess.PIPE,
                                 check=True).stdout.decode().split()[-1]
        self.assertEqual(self.field("Version"), version)
        depends = self.field("Depends")
        # Not libboost-iostreams since 2026-12-06: every codec has darkscan's own decoder, and the
        # Boost.Iostreams parts used are templates in its headers; libbz2 instead.
        for library in ("libc6", "libstdc++6", "libre2-", "libfmt", "libbz2", "zlib1g", "liblzma5", "libzstd1"):
            self.assertIn(library, depends)
        self.assertTrue(self.field("Description"))

    def test_files_where_debian_expects_them(self):
        for path in ("usr/bin/darkscan", "usr/bin/darkscan-dask", "usr/share/darkscan/rules/agents.rules",
                     "usr/share/darkscan/rules/weights.rules", "usr/share/man/man1/darkscan.1.gz",
                     "usr/share/bash-completion/completions/darkscan", "usr/share/zsh/vendor-completions/_darkscan",
                     "usr/share/doc/darkscan/copyright", "usr/share/locale/fr/LC_MESSAGES/darkscan.mo",
                     "usr/share/doc/darkscan/README.fr.md"):
            self.assertTrue(os.path.exists(os.path.join(self.root, path)), path)
        with gzip.open(os.path.join(self.root, "usr/share/man/man1/darkscan.1.gz"), "rt", encoding="utf-8") as f:
            self.assertIn(".TH DARKSCAN 1", f.read())

    def test_unpacked_binary_works_with_no_flag(self):
        env = {k: v for k, v in os.environ.items() if k != "DARKSCAN_RULES_DIR"}
        binary = os.path.join(self.root, "usr/bin/darkscan")
        p = subprocess.run([binary, "-q", "-F", "json", os.path.join(ROOT, "samples", "combined.log")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertIn(b'"dark_social"', p.stdout)
        p = subprocess.run([binary, "rules", "check"], stdout=subprocess.PIPE, env=env, check=True)
        self.assertIn(os.path.join(self.root, "usr/share/darkscan/rules").encode(), p.stdout)

    def test_unpacked_binary_finds_its_french_catalogue(self):
        harness.require_french()
        env = {k: v for k, v in os.environ.items() if k not in ("DARKSCAN_LOCALE_DIR", "LANGUAGE")}
        env["LC_ALL"] = "fr_FR.UTF-8"
        p = subprocess.run([os.path.join(self.root, "usr/bin/darkscan"), "--help"], stdout=subprocess.PIPE,
                           env=env, check=True)
        self.assertNotIn(b"Options:", p.stdout)
        env["LC_ALL"] = "C.UTF-8"
        p = subprocess.run([os.path.join(self.root, "usr/bin/darkscan"), "--help"], stdout=subprocess.PIPE,
                           env=env, check=True)
        self.assertIn(b"Options:", p.stdout)

    def test_apt_accepts_it(self):
        harness.require(os.geteuid() == 0 and shutil.which("apt-get"), "root and apt-get (for apt-get --simulate)")
        p = subprocess.run(["apt-get", "install", "--simulate", "-y", "./" + os.path.basename(self.deb)],
                           cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.assertEqual(p.returncode, 0, p.stdout.decode())
        self.assertIn("Inst darkscan", p.stdout.decode())


if __name__ == "__main__":
    harness.main()
