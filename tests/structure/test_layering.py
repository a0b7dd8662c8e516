#!/usr/bin/env python3
"""tests/structure/layering.py on the tree (it holds) and on small made-up trees (it catches what it
should: an include of a later stage, of a sibling stage, a file past the line limit, a folder that is
no stage, a header that does not exist)."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layering  # noqa: E402


def tree(files):
    """A temporary tree: {relative path: text}."""
    root = tempfile.mkdtemp(prefix="layering-")
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return root


BASE = {
    "src/main.cpp": "#include <darkscan/cli/cli.hpp>\n",
    "include/darkscan/cli/cli.hpp": "#pragma once\n#include <darkscan/parse/hit.hpp>\n",
    "include/darkscan/parse/hit.hpp": "#pragma once\n#include <darkscan/util/text.hpp>\n",
    "include/darkscan/util/text.hpp": "#pragma once\n",
    "include/darkscan/state/state.hpp": "#pragma once\n",
    "src/parse/record.cpp": "#include <darkscan/parse/hit.hpp>\n",
}


class LayeringTest(unittest.TestCase):
    def test_the_tree_holds(self):
        self.assertEqual(layering.breaches(), [])

    def test_a_tree_in_order_holds(self):
        self.assertEqual(layering.breaches(tree(BASE)), [])

    def test_an_include_of_a_later_stage(self):
        found = layering.breaches(tree(dict(BASE, **{
            "src/parse/record.cpp": "#include <darkscan/parse/hit.hpp>\n#include <darkscan/cli/cli.hpp>\n"})))
        self.assertEqual(found, ["src/parse/record.cpp:2: stage parse includes <darkscan/cli/cli.hpp>, "
                                 "of a stage after it"])

    def test_report_and_state_do_not_know_each_other(self):
        found = layering.breaches(tree(dict(BASE, **{
            "src/report/json.cpp": "#include <darkscan/state/state.hpp>\n"})))
        self.assertEqual(len(found), 1)
        self.assertIn("stage report includes <darkscan/state/state.hpp>", found[0])

    def test_main_includes_cli_only(self):
        found = layering.breaches(tree(dict(BASE, **{"src/main.cpp": "#include <darkscan/parse/hit.hpp>\n"})))
        self.assertEqual(len(found), 1)
        self.assertIn("main.cpp includes <darkscan/parse/hit.hpp>", found[0])

    def test_a_long_file(self):
        text = "// a line\n" * (layering.MAX_LINES + 1)
        found = layering.breaches(tree(dict(BASE, **{"src/parse/long.cpp": text})))
        self.assertEqual(found, ["src/parse/long.cpp: %d lines (at most %d: one concept per file)" % (
            layering.MAX_LINES + 1, layering.MAX_LINES)])

    def test_a_folder_that_is_no_stage_and_a_file_outside_them(self):
        found = layering.breaches(tree(dict(BASE, **{"src/misc/x.cpp": "", "include/darkscan/loose.hpp": ""})))
        self.assertIn("include/darkscan/loose.hpp: a file outside the stage folders", found)
        self.assertIn("src/misc: a folder that is not a stage of tests/structure/layering.py", found)

    def test_a_header_that_does_not_exist(self):
        found = layering.breaches(tree(dict(BASE, **{"src/parse/record.cpp": "#include <darkscan/parse/gone.hpp>\n"})))
        self.assertEqual(found, ["src/parse/record.cpp:1: <darkscan/parse/gone.hpp> does not exist"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
