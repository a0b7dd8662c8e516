#!/usr/bin/env python3
"""Every Catch2 test case runs under ctest. catch_discover_tests registers one ctest test per test
case name, and CMake splits a name at ';' (its list separator): "a; b" became two tests, "a" and
" b", whose filters match no test case, so the case never ran and its failures went unseen (three
cases until this check, one of them failing). So no name may hold a ';'.

    python3 tests/structure/test_names.py build/tests/darkscan_tests
"""

import subprocess
import sys


def main():
    if len(sys.argv) != 2:
        print("usage: test_names.py DARKSCAN_TESTS_BINARY", file=sys.stderr)
        return 2
    # Catch2 2.x exits with the number of test cases listed: not an error.
    listed = subprocess.run([sys.argv[1], "--list-test-names-only"], capture_output=True, text=True).stdout
    names = [n for n in listed.splitlines() if n.strip()]
    if len(names) < 10:
        print("test_names.py: only %d test names listed:\n%s" % (len(names), listed), file=sys.stderr)
        return 1
    bad = [n for n in names if ";" in n]
    for n in bad:
        print("test case name holds ';' (ctest would split it and run nothing): %s" % n, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
