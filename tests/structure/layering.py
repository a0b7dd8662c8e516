#!/usr/bin/env python3
"""A stage knows only the stages before it (doc/ARCHITECTURE.md, "Stages").

Each file of src/STAGE/ and include/darkscan/STAGE/ may include darkscan headers of its own stage and
of the stages before it in STAGES, never of a later one; util/ and common/ include nothing of the
stages; main.cpp, alone at the top of src/, includes cli/ only. Every folder of src/ and
include/darkscan/ must be a stage of the list (a new folder needs its place in the order), and every
included darkscan header must exist. Also: no file of src/ or include/ longer than MAX_LINES.
Exit status 0 when all hold, 1 with one line per breach.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Pipeline order. util and common come first, as one level that every stage may use: util holds
# helpers with no darkscan concept, common the Error type and messages in the user's language
# (util's file helpers throw Error; i18n escapes with util/text).
STAGES = ["util", "common", "input", "parse", "classify", "scan", "visits", "estimate", "state", "report",
          "cli"]
# state and report both follow estimate and neither knows the other.
UNRELATED = {("report", "state"), ("state", "report")}
MAX_LINES = 450
INCLUDE = re.compile(r'^\s*#\s*include\s*<darkscan/([^>]+)>', re.M)


def breaches(root=ROOT):
    out = []
    rank = {s: max(i - 1, 0) for i, s in enumerate(STAGES)}
    for top in ("src", os.path.join("include", "darkscan")):
        base = os.path.join(root, top)
        for name in sorted(os.listdir(base)):
            path = os.path.join(base, name)
            if os.path.isfile(path):
                if not (top == "src" and name == "main.cpp"):
                    out.append("%s/%s: a file outside the stage folders" % (top, name))
                continue
            if name not in rank:
                out.append("%s/%s: a folder that is not a stage of tests/structure/layering.py" % (top, name))
    for top in ("src", os.path.join("include", "darkscan")):
        for d, _, names in os.walk(os.path.join(root, top)):
            for f in sorted(names):
                if not f.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.join(d, f)
                rel = os.path.relpath(path, root)
                parts = os.path.relpath(path, os.path.join(root, top)).split(os.sep)
                stage = parts[0] if len(parts) > 1 else "main"
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
                lines = text.count("\n")
                if lines > MAX_LINES:
                    out.append("%s: %d lines (at most %d: one concept per file)" % (rel, lines, MAX_LINES))
                for m in INCLUDE.finditer(text):
                    target = m.group(1)
                    line = text.count("\n", 0, m.start()) + 1
                    if not os.path.isfile(os.path.join(root, "include", "darkscan", target)):
                        out.append("%s:%d: <darkscan/%s> does not exist" % (rel, line, target))
                        continue
                    other = target.split("/")[0] if "/" in target else None
                    if other is None:
                        out.append("%s:%d: <darkscan/%s> is outside the stage folders" % (rel, line, target))
                    elif stage == "main":
                        if other != "cli":
                            out.append("%s:%d: main.cpp includes <darkscan/%s>: only cli/" % (rel, line, target))
                    elif other not in rank or rank[other] > rank[stage] or (stage, other) in UNRELATED:
                        out.append("%s:%d: stage %s includes <darkscan/%s>, of a stage after it" % (
                            rel, line, stage, target))
    return out


def main():
    found = breaches()
    for b in found:
        print(b)
    if found:
        print("layering: %d breaches (stage order: %s)" % (len(found), " -> ".join(STAGES)))
        return 1
    print("layering: every include goes to the same stage or an earlier one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
