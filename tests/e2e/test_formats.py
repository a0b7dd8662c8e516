#!/usr/bin/env python3
"""The JSON-lines and W3C readers decide the same traffic exactly as the combined reader (Python 3
stdlib only).

    python3 tests/e2e/test_formats.py [-v] [ConvertedLogsTest|W3cDirectivesTest|...]

Environment:
    DARKSCAN       the binary (default: build/darkscan under the repo root)
    DARKSCAN_ROOT  the repo root (default: two levels above this script)

A differential test: samples/combined.log is written by tests/e2e/log_formats.py as Caddy, Traefik,
Cloudflare Logpush, nginx escape=json, CloudFront and IIS write it, and darkscan must give each the
report (pages and summary counts) and the per-hit verdicts (--hits) of the combined log. The
combined log compared against is samples/combined.log without the lines these formats cannot hold
(log_formats.convertible(): the TLS handshake and the empty request, lines 4 and 5), written to a
temporary folder.

The one difference allowed, and only for IIS (w3c): the visitor id of a hit whose user agent holds a
'+'. IIS writes a space of cs(User-Agent) as '+' and a '+' as '+', so darkscan reads every '+' as a
space: "Googlebot/2.1; +http://..." comes back as "Googlebot/2.1;  http://...". The visitor id
hashes the user agent, so it differs; the test checks that those ids still group the hits exactly as
in the combined log (same visitors, only other names), and that every other id is the same.

Every run gets TZ=UTC.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import harness
import log_formats as lf

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or "build/darkscan"
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
SAMPLES = os.path.join(ROOT, "samples")
SITE = "www.example.com"
SUMMARY_KEYS = ("parsed", "page_views", "visits", "dark_social", "share", "bots", "previews",
                "previews_by_app")
# Without --site darkscan guesses the site from the referrers; with it, it is given.
SITE_OPTIONS = {"guessed site": (), "--site": ("--site", SITE)}
# Small blocks, so that a parallel scan cuts the ~100 kB files in many places.
BLOCK_SIZES = ("1000", "4096", "7919")


def run(*args):
    return subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                          env=dict(os.environ, TZ="UTC"))


def report(*args):
    """(process, JSON report) of `darkscan -q -F json ARGS`."""
    p = run("-q", "-F", "json", *args)
    return p, (json.loads(p.stdout.decode("utf-8")) if p.stdout else None)


def hits(*args):
    """The --hits records (NDJSON) without "file" and "line", which differ between the inputs."""
    p = run("-q", "--hits", "--salt", "e2e", *args)
    records = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
    for r in records:
        del r["file"], r["line"]
    return p, records


def relabelled(records):
    """The records with each visitor id replaced by its order of first appearance."""
    names = {}
    out = []
    for r in records:
        r = dict(r)
        r["visitor"] = names.setdefault(r["visitor"], "v%d" % len(names))
        out.append(r)
    return out


read = harness.read_bytes
write = harness.write_bytes


class Differential:
    """Comparisons with the filtered combined log; set up once per class."""

    @classmethod
    def setUpClass(cls):
        harness.require(os.access(BIN, os.X_OK), "the darkscan binary (%s)" % BIN)
        cls._tmp = tempfile.TemporaryDirectory(prefix="darkscan-formats-")
        cls.tmp = cls._tmp.name
        cls.combined_data = read(os.path.join(SAMPLES, "combined.log"))
        cls.filtered_data = lf.filtered_combined(cls.combined_data)
        cls.combined = write(os.path.join(cls.tmp, "combined.log"), cls.filtered_data)
        cls.filtered_lines = lf.lines_of(cls.filtered_data)
        # the user agent of each filtered line, in --hits order (one record a line)
        cls.user_agents = [lf.parse(line).user_agent for line in cls.filtered_lines]
        cls.expected, cls.expected_hits = {}, {}
        for label, site in SITE_OPTIONS.items():
            p, r = report(*site, cls.combined)
            assert p.returncode == 0, p.stderr
            cls.expected[label] = r
            p, h = hits(*site, cls.combined)
            assert p.returncode == 0, p.stderr
            cls.expected_hits[label] = h

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def converted(self, name, **kw):
        """samples/combined.log in format `name`, written to the temporary folder."""
        suffix = "-restart" if kw else ""
        return write(os.path.join(self.tmp, name + suffix + ".log"), lf.convert(name, self.combined_data, **kw))

    def assertSameReport(self, got, label, preset=None):
        want = self.expected[label]
        if preset is not None:
            self.assertEqual(got["summary"]["inputs"][0]["format"], preset)
        self.assertEqual(got["summary"]["malformed"], 0, got["summary"]["malformed_examples"])
        self.assertEqual({k: got["summary"][k] for k in SUMMARY_KEYS},
                         {k: want["summary"][k] for k in SUMMARY_KEYS})
        self.assertEqual(got["summary"]["site"], want["summary"]["site"])
        self.assertEqual(got["channels"], want["channels"])
        if got["pages"] != want["pages"]:
            wanted = {p["path"]: p for p in want["pages"]}
            for page in got["pages"]:
                self.assertEqual(page, wanted.get(page["path"]), page["path"])
        self.assertEqual(got["pages"], want["pages"])

    def assertSameHits(self, got, label, name):
        want = self.expected_hits[label]
        self.assertEqual(len(got), len(want))
        if name == "w3c":
            # IIS: '+' in a user agent is read as a space (see the module's doc): other visitor ids
            for i, (g, w, ua) in enumerate(zip(got, want, self.user_agents)):
                if b"+" not in ua:
                    self.assertEqual(g["visitor"], w["visitor"], "line %d of the filtered log" % (i + 1))
            got, want = relabelled(got), relabelled(want)
        for i, (g, w) in enumerate(zip(got, want)):
            self.assertEqual(g, w, "hit %d (line %d of the filtered combined log: %r)"
                             % (i + 1, i + 1, self.filtered_lines[i][:160]))


class ConvertedLogsTest(Differential, unittest.TestCase):
    def test_filtered_log_drops_only_what_the_formats_cannot_hold(self):
        dropped = [n for n, line in enumerate(lf.lines_of(self.combined_data), 1) if lf.entry_of(line) is None]
        self.assertEqual(dropped, [4, 5])  # samples/README.md: the TLS handshake and the "-" 408
        self.assertEqual(len(self.filtered_lines), 332)
        for name in lf.FORMATS:
            with self.subTest(name):
                data = lf.convert(name, self.combined_data)
                records = [l for l in lf.lines_of(data) if not l.startswith(b"#")]
                self.assertEqual(len(records), 332)

    def test_reports_match_combined(self):
        for name, (_, preset, _) in lf.FORMATS.items():
            path = self.converted(name)
            for label, site in SITE_OPTIONS.items():
                with self.subTest(format=name, site=label):
                    p, r = report(*site, path)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    self.assertSameReport(r, label, preset)

    def test_hits_match_combined(self):
        for name in lf.FORMATS:
            path = self.converted(name)
            for label, site in SITE_OPTIONS.items():
                with self.subTest(format=name, site=label):
                    p, h = hits(*site, path)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    self.assertSameHits(h, label, name)

    def test_threads_and_small_blocks(self):
        for name, (_, preset, _) in lf.FORMATS.items():
            path = self.converted(name)
            for block in BLOCK_SIZES:
                parallel = ("--threads", "2", "--block-size", block)
                for label, site in SITE_OPTIONS.items():
                    with self.subTest(format=name, block=block, site=label):
                        p, r = report(*parallel, *site, path)
                        self.assertEqual(p.returncode, 0, p.stderr)
                        self.assertSameReport(r, label, preset)
                        p, h = hits(*parallel, *site, path)
                        self.assertEqual(p.returncode, 0, p.stderr)
                        self.assertSameHits(h, label, name)

    def test_forced_format_reads_the_same(self):
        for name, (_, preset, _) in lf.FORMATS.items():
            path = self.converted(name)
            with self.subTest(name):
                p, r = report("--log-format", name, "--site", SITE, path)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertSameReport(r, "--site", preset)


class W3cDirectivesTest(Differential, unittest.TestCase):
    """A "#Fields" directive in the middle of a file (IIS after a restart or a settings change) names
    the fields of the lines after it."""

    def iis_restarted(self):
        path = self.converted("w3c", restart_at=166)
        data = read(path)
        # the directives are in the middle, and the second #Fields has another order
        fields = [l for l in lf.lines_of(data) if l.startswith(b"#Fields:")]
        self.assertEqual(len(fields), 2)
        self.assertNotEqual(fields[0], fields[1])
        self.assertEqual(lf.lines_of(data).count(b"#Version: 1.0"), 2)
        at = lf.lines_of(data).index(fields[1])
        self.assertTrue(100 < at < 240, at)
        return path

    def test_reordered_fields_mid_file(self):
        path = self.iis_restarted()
        for label, site in SITE_OPTIONS.items():
            with self.subTest(site=label):
                p, r = report(*site, path)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertSameReport(r, label, "w3c")
                self.assertEqual(r["summary"]["not_records"], 8)  # 2 x (#Software #Version #Date #Fields)
                p, h = hits(*site, path)
                self.assertSameHits(h, label, "w3c")

    def edited_second_fields(self, name, new_directive):
        """The restarted IIS file with its second #Fields line replaced by `new_directive`."""
        lines = lf.lines_of(read(self.iis_restarted()))
        second = [i for i, l in enumerate(lines) if l.startswith(b"#Fields:")][1]
        lines[second] = new_directive(lines[second])
        return write(os.path.join(self.tmp, name), b"\n".join(lines) + b"\n")

    def test_directives_are_counted_alike_by_serial_and_parallel_scans(self):
        cases = {
            # IIS writes "#Fields:"; another writer's case must not change what is read
            "lower-case #fields": (lambda l: b"#fields:" + l[len(b"#Fields:"):], True),
            # no request field: malformed, and the lines after it read with the fields before it
            "#Fields without a request": (lambda l: b"#Fields: date time c-ip", False),
        }
        for name, (edit, same_as_combined) in cases.items():
            path = self.edited_second_fields(name.replace(" ", "-") + ".log", edit)
            p, serial = report(path)
            for block in BLOCK_SIZES:
                with self.subTest(case=name, block=block):
                    q, parallel = report("--threads", "2", "--block-size", block, path)
                    for key in ("lines", "parsed", "malformed", "not_records", "visits", "page_views"):
                        self.assertEqual(serial["summary"][key], parallel["summary"][key], key)
                    self.assertEqual(serial["pages"], parallel["pages"])
            with self.subTest(case=name):
                if same_as_combined:
                    self.assertSameReport(serial, "guessed site", "w3c")
                else:
                    self.assertGreater(serial["summary"]["malformed"], 100)
                    self.assertIn("no field holds the request", json.dumps(serial["summary"]["malformed_examples"]))

    def test_reordered_fields_mid_file_in_parallel(self):
        path = self.iis_restarted()
        for block in BLOCK_SIZES:
            for label, site in SITE_OPTIONS.items():
                with self.subTest(block=block, site=label):
                    parallel = ("--threads", "2", "--block-size", block)
                    p, r = report(*parallel, *site, path)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    self.assertSameReport(r, label, "w3c")
                    p, h = hits(*parallel, *site, path)
                    self.assertSameHits(h, label, "w3c")

    # A darkscan bug (src/parse/w3c_format.cpp, W3cFormat::parse): fields of the same kind are ranked
    # (x-host-header 0 before cs(Host) 2), but an empty value ("-") of a better-ranked field still
    # overwrites a value already stored, while a worse-ranked field after an empty better-ranked one is
    # stored: the host depends on the order of #Fields. With CloudFront's order (cs(Host) 7th,
    # x-host-header 16th) and x-host-header "-", the host ends empty; with x-host-header listed first
    # it is cs(Host), "d111111abcdef8.cloudfront.net", which names the site and turns the
    # www.example.com referrers external: without --site, 59 visits instead of 57, share 0.5576
    # instead of 0.5772, site [] instead of ["example.com"]. The same records in another field order
    # must give the same report.
    def test_cloudfront_field_order_does_not_matter(self):
        fields = list(lf.CLOUDFRONT_FIELDS)
        a, b = fields.index("cs(Host)"), fields.index("x-host-header")
        fields[a], fields[b] = fields[b], fields[a]
        lines = [lf.cloudfront_header(fields)]
        for index, line in enumerate(lf.lines_of(self.combined_data)):
            converted = lf.cloudfront(line, index, fields=fields)
            if converted is not None:
                lines.append(converted + b"\n")
        path = write(os.path.join(self.tmp, "cloudfront-swapped.log"), b"".join(lines))
        p, r = report(path)
        self.assertEqual(p.returncode, 0, p.stderr)
        _, standard = report(self.converted("cloudfront"))
        self.assertEqual(r["summary"]["site"], standard["summary"]["site"])
        self.assertEqual(r["pages"], standard["pages"])


class TraefikHeadersTest(unittest.TestCase):
    def setUp(self):
        harness.require(os.access(BIN, os.X_OK), "the darkscan binary (%s)" % BIN)
        self._tmp = tempfile.TemporaryDirectory(prefix="darkscan-formats-")
        self.addCleanup(self._tmp.cleanup)

    def test_no_request_headers_gives_no_share_and_says_how(self):
        """Traefik's default drops every request header: no request_ key at all."""
        combined = read(os.path.join(SAMPLES, "combined.log"))
        out = []
        for line in lf.lines_of(lf.convert("traefik-json", combined)):
            record = json.loads(line)
            self.assertTrue(any(k.startswith("request_") for k in record))
            out.append(lf.json_object(sorted((k, v) for k, v in record.items() if not k.startswith("request_")),
                                      lf.go_string))
        path = write(os.path.join(self._tmp.name, "traefik-default.log"), "\n".join(out).encode() + b"\n")
        p = run("-F", "json", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        err = p.stderr.decode()
        self.assertIn("accessLog.fields.headers", err)
        self.assertRegex(err, r"note: '.*traefik-default\.log' \(traefik-json\) logs no referrer")
        r = json.loads(p.stdout)
        self.assertEqual(r["summary"]["inputs"][0]["format"], "traefik-json")
        self.assertEqual(r["summary"]["parsed"], 332)
        self.assertIsNone(r["summary"]["share"])
        self.assertIsNone(r["summary"]["dark_social"])

    def test_headers_kept_gives_a_share(self):
        path = write(os.path.join(self._tmp.name, "traefik.log"),
                     lf.convert("traefik-json", read(os.path.join(SAMPLES, "combined.log"))))
        p = run("-F", "json", path)
        self.assertNotIn(b"accessLog.fields.headers", p.stderr)
        self.assertIsNotNone(json.loads(p.stdout)["summary"]["share"])


class JsonErrorsTest(unittest.TestCase):
    def setUp(self):
        harness.require(os.access(BIN, os.X_OK), "the darkscan binary (%s)" % BIN)
        self._tmp = tempfile.TemporaryDirectory(prefix="darkscan-formats-")
        self.addCleanup(self._tmp.cleanup)

    def path(self, name, data):
        return write(os.path.join(self._tmp.name, name), data)

    def test_nginx_json_without_escape_json_is_named(self):
        # nginx's default escaping ("\x22", "\xD0\x9F") in a JSON log_format: "Problem while parsing a
        # string", or "none of its JSON records is a request", with no word of the cause (a review,
        # 2026-12-07).
        record = (b'{"time_local":"20/Nov/2026:10:00:0%d +0000","remote_addr":"1.2.3.4","request":"GET /n/a-%d '
                  b'HTTP/1.1","status":"200","http_referer":"","http_user_agent":"Foo \\x22Q\\x22"}\n')
        path = self.path("njx.log", b"".join(record % (i, i) for i in range(3)))
        p = run(path)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(b"escape=json", p.stderr)

    def test_records_that_are_not_requests_fail(self):
        data = (b'{"level":"info","ts":1795150804.5,"logger":"admin","msg":"admin endpoint started"}\n'
                b'{"level":"info","msg":"serving"}\n' * 4)
        path = self.path("app.log", data)
        for forced in ((), ("--log-format", "caddy"), ("--log-format", "nginx-json")):
            with self.subTest(forced=forced):
                p = run("-F", "json", *forced, path)
                self.assertNotEqual(p.returncode, 0)
                self.assertEqual(p.returncode, 1)
                self.assertRegex(p.stderr.decode(), r"none of its \d+ JSON records is a request")
                r = json.loads(p.stdout)
                self.assertEqual(r["summary"]["parsed"], 0)
                self.assertEqual(r["summary"]["malformed"], 0)
                self.assertEqual(r["summary"]["inputs_failed"], 1)

    def test_a_journal_that_starts_with_many_records_of_another_kind(self):
        # A review, 2026-12-06: 60 start-up records before Caddy's first access record (a journal
        # piped in) made the whole file "none of its records is a request".
        startup = b'{"level":"info","ts":1795150800.1,"logger":"http","msg":"server running","name":"srv0"}\n'
        caddy = read(os.path.join(SAMPLES, "caddy.log"))
        requests = caddy.count(b"\n")
        path = self.path("journal.log", startup * 60 + caddy)
        for parallel in ((), ("--threads", "2", "--block-size", "4096")):
            with self.subTest(parallel=parallel):
                p = run("-F", "json", "--site", SITE, *parallel, path)
                self.assertEqual(p.returncode, 0, p.stderr)
                s = json.loads(p.stdout)["summary"]
                self.assertEqual(s["inputs"][0]["format"], "caddy")
                self.assertEqual((s["parsed"], s["not_records"]), (requests, 60))

    def test_malformed_lines_in_a_caddy_log(self):
        combined = read(os.path.join(SAMPLES, "combined.log"))
        good = lf.lines_of(lf.convert("caddy", combined))
        truncated = b'{"ts":1,'
        garbage = b"\xff\xfe\x00\x00\x00\x1b[2J\x01\x02\xc3\x28\xe2\x82\x20garbage\x00\x00"
        cut = good[150][: len(good[150]) // 2]  # a record cut in the middle of a string
        trailing = good[160] + b" x"
        # Well-formed JSON with invalid UTF-8 inside a string value (the path and the user agent):
        # darkscan reads such a value with its bytes as they are (src/parse/json_format.hpp: nginx's
        # escape=json writes bytes >= 0x80 raw), so it is a hit, not a malformed line; the report
        # shows the path's bytes that are not UTF-8 as their %XX escape.
        invalid_utf8 = re.sub(rb'"uri":"[^"]*"', b'"uri":"/news/caf\xe9-\xff"', good[100], count=1)
        invalid_utf8 = invalid_utf8.replace(b'"User-Agent":["', b'"User-Agent":["\xc3(', 1)
        self.assertNotEqual(invalid_utf8, good[100])
        lines = (good[:50] + [truncated] + good[50:100] + [invalid_utf8] + good[101:150] + [cut]
                 + good[151:160] + [trailing] + good[161:200] + [garbage] + good[200:])
        path = self.path("caddy-damaged.log", b"\n".join(lines) + b"\n")
        bad = sorted(lines.index(x) + 1 for x in (truncated, cut, trailing, garbage))
        for parallel in ((), ("--threads", "2", "--block-size", "4096")):
            with self.subTest(parallel=parallel):
                p = run("-F", "json", "--site", SITE, *parallel, path)
                self.assertGreaterEqual(p.returncode, 0, "killed by a signal")
                self.assertEqual(p.returncode, 0, p.stderr)
                r = json.loads(p.stdout)
                s = r["summary"]
                self.assertEqual(s["inputs"][0]["format"], "caddy")
                self.assertEqual((s["lines"], s["malformed"], s["parsed"]), (len(lines), 4, len(lines) - 4))
                self.assertEqual([m["line"] for m in s["malformed_examples"]], bad)
                err = p.stderr.decode("utf-8", "replace")
                for n in bad:
                    self.assertIn("caddy-damaged.log:%d:" % n, err)
                self.assertRegex(err, r"\d+ parsed, 4 malformed")
                # the damaged lines took nothing from the others: 3 of the 332 records are missing
                # (lines 100, 150 and 160 of good, the ones damaged or replaced)
                self.assertEqual(s["parsed"], 332 - 3 + 1)
                p, h = hits("--site", SITE, *parallel, path)
                self.assertEqual(len(h), 330)
                self.assertEqual(sum(x["path"] == "/news/caf%E9-%FF" for x in h), 1)


class SamplesTest(unittest.TestCase):
    """samples/<format> files: the converter's output for samples/combined.log, so their reports are
    the combined log's (see samples/README.md)."""

    @classmethod
    def setUpClass(cls):
        harness.require(os.access(BIN, os.X_OK), "the darkscan binary (%s)" % BIN)
        cls._tmp = tempfile.TemporaryDirectory(prefix="darkscan-formats-")
        combined = read(os.path.join(SAMPLES, "combined.log"))
        cls.combined_data = combined
        cls.filtered = write(os.path.join(cls._tmp.name, "combined.log"), lf.filtered_combined(combined))

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_samples_are_the_converter_output(self):
        for name, (_, _, sample) in lf.FORMATS.items():
            with self.subTest(sample):
                self.assertEqual(read(os.path.join(SAMPLES, sample)), lf.convert(name, self.combined_data),
                                 "samples/%s is stale: python3 tests/e2e/log_formats.py --samples" % sample)

    def test_samples_give_the_combined_pages(self):
        for name, (_, preset, sample) in lf.FORMATS.items():
            for label, site in SITE_OPTIONS.items():
                with self.subTest(sample=sample, site=label):
                    _, want = report(*site, self.filtered)
                    p, r = report(*site, os.path.join(SAMPLES, sample))
                    self.assertEqual(p.returncode, 0, p.stderr)
                    self.assertEqual(r["pages"], want["pages"])
                    self.assertEqual(r["summary"]["visits"], want["summary"]["visits"])

    def test_samples_autodetected(self):
        for name, (_, preset, sample) in lf.FORMATS.items():
            with self.subTest(sample):
                path = os.path.join(SAMPLES, sample)
                p = run("-F", "json", path)
                self.assertEqual(p.returncode, 0, p.stderr)
                s = json.loads(p.stdout)["summary"]
                self.assertEqual(s["inputs"][0]["format"], preset)
                self.assertIsNone(s["inputs"][0]["error"])
                self.assertEqual((s["parsed"], s["malformed"], s["empty"]), (332, 0, 0))
                directives = sum(1 for l in lf.lines_of(read(path)) if l.startswith(b"#"))
                self.assertEqual(s["not_records"], directives)
                self.assertEqual(s["lines"], 332 + directives)
                self.assertEqual(s["bytes"], os.path.getsize(path))


if __name__ == "__main__":
    harness.main()
