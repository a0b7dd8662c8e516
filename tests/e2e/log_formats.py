#!/usr/bin/env python3
"""One nginx `combined` line written as each JSON-lines and W3C server writes it (Python 3 stdlib only).

    python3 tests/e2e/log_formats.py FORMAT < combined.log > converted.log
    python3 tests/e2e/log_formats.py --filtered < combined.log > what-every-format-holds.log
    python3 tests/e2e/log_formats.py --samples        # rewrite the samples/ files listed in SAMPLES

The input is `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
"$http_referer" "$http_user_agent"`, time like `20/Nov/2026:06:00:04 +0100`. Each format has a function
taking one combined line (bytes, no newline) and its 0-based index in the file (it seeds the values
the combined line does not hold: ports, durations, sub-second times, request ids), and returning the
line as that server writes it (bytes, no newline), or None for a line the format cannot hold (see
convertible()). The W3C formats also have a header (their directives); convert() writes a whole file.

Every converted line carries the same client, time (to the second), method, target, status, referrer
and user agent as the combined line, and nothing that changes what darkscan decides: no Host (the
combined log has none, and a host names the site, which changes which referrers are internal), no
X-Forwarded-For. Values the combined line does not hold (ports, durations, ids, byte counts other than
the body's) are made up, deterministically.
"""

import base64
import datetime
import hashlib
import json
import os
import re
import sys

QUOTED = rb'"((?:[^"\\]|\\.)*)"'
COMBINED_RE = re.compile(rb'^(\S+) (\S+) (\S+) \[([^\]]+)\] ' + QUOTED + rb' (\d{3}) (\d+|-) ' + QUOTED + rb' '
                         + QUOTED + rb'$')
REQUEST_RE = re.compile(rb'^([A-Z][A-Z_-]*) (\S+) (HTTP/\d(?:\.\d)?)$')
CLF_TIME_RE = re.compile(rb'^(\d\d)/(\w{3})/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$')
MONTHS = {m: i + 1 for i, m in enumerate(b"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
UTC = datetime.timezone.utc


class Entry:
    """The fields of one combined line, as text (str) once convertible() said yes."""

    def __init__(self, m):
        (self.client, self.ident, self.user, time_text, self.request, status, size,
         self.referer, self.user_agent) = m.groups()
        self.status = int(status)
        self.size = 0 if size == b"-" else int(size)
        t = CLF_TIME_RE.match(time_text)
        if not t:
            raise ValueError("not a CLF time: %r" % time_text)
        day, mon, year, hh, mm, ss, sign, oh, om = t.groups()
        offset = datetime.timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == b"+" else -1)
        self.time = datetime.datetime(int(year), MONTHS[mon], int(day), int(hh), int(mm), int(ss),
                                      tzinfo=datetime.timezone(offset))
        self.method = self.target = self.protocol = None
        r = REQUEST_RE.match(self.request)
        if r:
            self.method, self.target, self.protocol = r.groups()

    @property
    def path(self):
        return self.target.split(b"?", 1)[0]

    @property
    def query(self):
        """The query without its '?', or None when the target has no '?'."""
        parts = self.target.split(b"?", 1)
        return parts[1] if len(parts) == 2 else None


def parse(line):
    """A combined line (bytes, no newline) as an Entry, or None when it is not a combined line."""
    m = COMBINED_RE.match(line.rstrip(b"\r"))
    return Entry(m) if m else None


def convertible(entry):
    """(True, "") when every format here can write the line faithfully, else (False, why).

    - The request must be `METHOD TARGET PROTOCOL`: these formats log the method, target and protocol
      apart (nginx-json logs $request whole, but the comparison uses one filtered log for all formats),
      so a TLS handshake on port 80 (`"\\x16\\x03..."`) or an empty request (`"-"` 408) has no faithful
      spelling in them. The combined log keeps them, and they are invalid requests there, not page
      views, so they change no page; the summary's parsed count differs by them, which is why the test
      compares against the combined log *without* those lines.
    - No backslash in any field: nginx writes `"`, `\\`, control bytes and bytes >= 0x7f of $request,
      $http_referer and $http_user_agent as `\\xHH`. darkscan reads that escape as the byte in a path
      (canonical_path) but keeps it as logged in a referrer or user agent, while the JSON and W3C
      servers carry the byte itself, so the two spellings are not the same input; and whether a
      backslash in the line is nginx's escape or (Apache) `\\"`/`\\\\` cannot be told from the line.
    - Valid UTF-8 (no raw byte >= 0x80 reaches here without a backslash, but a hand-written line
      could): Go (Traefik) and zap (Caddy) write invalid UTF-8 as U+FFFD, which is not faithful.
    """
    if entry.method is None:
        return False, "the request is not METHOD TARGET PROTOCOL"
    fields = (entry.client, entry.user, entry.request, entry.referer, entry.user_agent)
    if any(b"\\" in f for f in fields):
        return False, "a field holds an nginx \\xHH escape or a backslash"
    try:
        for f in fields:
            f.decode("utf-8")
    except UnicodeDecodeError:
        return False, "a field is not valid UTF-8"
    return True, ""


def entry_of(line):
    """The Entry of a line every format can hold, else None."""
    entry = parse(line)
    if entry is None or not convertible(entry)[0]:
        return None
    return entry


def text(b):
    return b.decode("utf-8")


def seeded(index, what, modulo):
    """A made-up value for line `index` (deterministic: the samples are reproducible)."""
    digest = hashlib.sha256(b"%d:%s" % (index, what.encode())).digest()
    return int.from_bytes(digest[:8], "big") % modulo


def client_port(index):
    return 1024 + seeded(index, "port", 64000)


def duration_us(index):
    """The request's duration in microseconds: 0.3 ms to 120 ms."""
    return 300 + seeded(index, "duration", 120000)


def sub_second_ns(index):
    """The nanoseconds after the logged second at which the request came in: below 0.8 s, and
    growing with the line's index, so that the lines logged in one second keep their order when the
    format logs fractions too (samples/README.md: timestamps never decrease)."""
    return (index % 1000) * 800_000 + seeded(index, "ns", 800_000)


def epoch(entry):
    return int(entry.time.timestamp())


def none_if_dash(value):
    return None if value == b"-" else value


# --- JSON string spellings -------------------------------------------------------------------------

def _json_escape(s, html, short_controls):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in short_controls:
            out.append(short_controls[ch])
        elif o < 0x20:
            out.append("\\u%04x" % o)
        elif html and ch in "<>&":
            out.append("\\u%04x" % o)
        elif html and o in (0x2028, 0x2029):
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def go_string(s):
    """Go's encoding/json (Traefik through logrus): HTML-safe, so & < > as \\u0026 \\u003c \\u003e,
    U+2028/U+2029 escaped, \\n \\r \\t \\b \\f short (Go 1.22 and later), other controls \\u00xx."""
    return _json_escape(s, True, {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"})


def zap_string(s):
    """zap's JSON encoder (Caddy): no HTML escaping; \\n \\r \\t short, other controls \\u00xx."""
    return _json_escape(s, False, {"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def plain_string(s):
    """Cloudflare Logpush: ordinary JSON, non-ASCII as UTF-8."""
    return json.dumps(s, ensure_ascii=False)


def nginx_json_bytes(b):
    """nginx `escape=json` (ngx_escape_json): `"` and `\\` escaped, \\n \\r \\t \\b \\f short,
    other bytes below 0x20 as \\u00XX, every other byte (>= 0x80 too) as it is."""
    out = bytearray(b'"')
    short = {0x22: b'\\"', 0x5C: b"\\\\", 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t", 0x08: b"\\b", 0x0C: b"\\f"}
    for c in b:
        if c in short:
            out += short[c]
        elif c < 0x20:
            out += b"\\u%04X" % c
        else:
            out.append(c)
    out += b'"'
    return bytes(out)


def json_object(pairs, string):
    """`{"k":v,...}` without spaces; str values through `string`, dicts nested, lists of str, others
    (int, float, bool) as JSON writes them."""
    def value(v):
        if isinstance(v, str):
            return string(v)
        if isinstance(v, dict):
            return json_object(v.items(), string)
        if isinstance(v, list):
            return "[" + ",".join(value(x) for x in v) + "]"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return repr(v)
        return str(v)
    return "{" + ",".join(string(k) + ":" + value(v) for k, v in pairs) + "}"


# --- the formats ------------------------------------------------------------------------------------

def caddy(line, index=0):
    """Caddy 2.7+ `log` directive, default JSON encoder (zap): the "handled request" record."""
    e = entry_of(line)
    if e is None:
        return None
    headers = {}
    if none_if_dash(e.user_agent) is not None:
        headers["User-Agent"] = [text(e.user_agent)]
    if none_if_dash(e.referer) is not None:
        headers["Referer"] = [text(e.referer)]
    headers["Accept-Encoding"] = ["gzip, deflate, br"]
    ts = epoch(e) + sub_second_ns(index) / 1e9
    request = {
        "remote_ip": text(e.client),
        "remote_port": str(client_port(index)),
        "client_ip": text(e.client),
        "proto": text(e.protocol),
        "method": text(e.method),
        "uri": text(e.target),
        "headers": headers,
    }
    if e.protocol != b"HTTP/1.0":
        request["tls"] = {"resumed": False, "version": 772, "cipher_suite": 4865,
                          "proto": "h2" if e.protocol == b"HTTP/2.0" else "http/1.1", "server_name": ""}
    record = [
        ("level", "info"), ("ts", ts), ("logger", "http.log.access.log0"), ("msg", "handled request"),
        ("request", request), ("bytes_read", 0),
        ("user_id", "" if e.user == b"-" else text(e.user)),
        ("duration", duration_us(index) / 1e6), ("size", e.size), ("status", e.status),
        ("resp_headers", {"Server": ["Caddy"]}),
    ]
    return json_object(record, zap_string).encode("utf-8")


def _rfc3339(t, fraction_ns=None):
    """Go's time.Time in RFC 3339 (RFC3339Nano when fraction_ns is given: trailing zeros dropped)."""
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction_ns:
        s += ("." + "%09d" % fraction_ns).rstrip("0")
    off = t.utcoffset()
    if off == datetime.timedelta(0) and t.tzinfo is UTC:
        return s + "Z"
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return s + "%s%02d:%02d" % (sign, minutes // 60, minutes % 60)


def traefik_json(line, index=0):
    """Traefik v2/v3 `accessLog.format=json` with `fields.headers.names` keeping User-Agent and Referer:
    logrus's JSONFormatter marshals a map, so the keys come sorted, and Go escapes & < > (HTML-safe)."""
    e = entry_of(line)
    if e is None:
        return None
    ns = sub_second_ns(index)
    dur_ns = duration_us(index) * 1000 + seeded(index, "dur-ns", 1000)
    start_utc = e.time.astimezone(UTC)
    end_local = e.time + datetime.timedelta(microseconds=(ns + dur_ns) // 1000)
    client = text(e.client)
    port = client_port(index)
    addr = ("[%s]:%d" if ":" in client else "%s:%d") % (client, port)
    record = {
        "ClientAddr": addr,
        "ClientHost": client,
        "ClientPort": str(port),
        "ClientUsername": "-" if e.user == b"-" else text(e.user),
        "DownstreamContentSize": e.size,
        "DownstreamStatus": e.status,
        "Duration": dur_ns,
        "OriginContentSize": e.size,
        "OriginDuration": dur_ns - 41000,
        "OriginStatus": e.status,
        "Overhead": 41000,
        "RequestContentSize": 0,
        "RequestCount": index + 1,
        "RequestMethod": text(e.method),
        "RequestPath": text(e.target),
        "RequestPort": "-",
        "RequestProtocol": text(e.protocol),
        "RequestScheme": "https",
        "RetryAttempts": 0,
        "RouterName": "website@docker",
        "ServiceAddr": "172.18.0.3:80",
        "ServiceName": "website@docker",
        "StartLocal": _rfc3339(e.time, ns),
        "StartUTC": _rfc3339(start_utc, ns),
        "entryPointName": "websecure",
        "level": "info",
        "msg": "",
        "time": _rfc3339(end_local.replace(microsecond=0)),
    }
    if none_if_dash(e.referer) is not None:
        record["request_Referer"] = text(e.referer)
    if none_if_dash(e.user_agent) is not None:
        record["request_User-Agent"] = text(e.user_agent)
    return json_object(sorted(record.items()), go_string).encode("utf-8")


def cloudflare(line, index=0):
    """Cloudflare Logpush, http_requests dataset, JSON lines with the default timestamp format
    (EdgeStartTimestamp in Unix nanoseconds); fields in alphabetical order, as the dashboard lists them."""
    e = entry_of(line)
    if e is None:
        return None
    start_ns = epoch(e) * 1_000_000_000 + sub_second_ns(index)
    protocol = {"HTTP/2.0": "HTTP/2", "HTTP/3.0": "HTTP/3"}.get(text(e.protocol), text(e.protocol))
    ray = "%016x" % seeded(index, "ray", 1 << 64)
    record = [
        ("CacheCacheStatus", "dynamic" if e.path.endswith(b"/") or b"." not in e.path else "hit"),
        ("ClientIP", text(e.client)),
        ("ClientRequestMethod", text(e.method)),
        ("ClientRequestProtocol", protocol),
        ("ClientRequestReferer", "" if e.referer == b"-" else text(e.referer)),
        ("ClientRequestURI", text(e.target)),
        ("ClientRequestUserAgent", "" if e.user_agent == b"-" else text(e.user_agent)),
        ("EdgeColoCode", "LOS"),
        ("EdgeResponseBytes", e.size + 310),
        ("EdgeResponseStatus", e.status),
        ("EdgeStartTimestamp", start_ns),
        ("RayID", ray[:16]),
    ]
    return json_object(record, plain_string).encode("utf-8")


NGINX_JSON_LOG_FORMAT = (
    'log_format j escape=json \'{"time_local":"$time_local","remote_addr":"$remote_addr",'
    '"remote_user":"$remote_user","request":"$request","status":"$status",'
    '"body_bytes_sent":"$body_bytes_sent","http_referer":"$http_referer",'
    '"http_user_agent":"$http_user_agent","request_time":"0.004"}\';')


def nginx_json(line, index=0):
    """What NGINX_JSON_LOG_FORMAT writes: every value a string, "" for an empty variable (escape=json
    writes nothing where the default escaping writes "-")."""
    e = entry_of(line)
    if e is None:
        return None
    q = nginx_json_bytes
    time_local = e.time.strftime("%d/%b/%Y:%H:%M:%S ").encode() + clf_offset(e.time)
    parts = [
        (b"time_local", q(time_local)),
        (b"remote_addr", q(e.client)),
        (b"remote_user", q(b"" if e.user == b"-" else e.user)),
        (b"request", q(e.request)),
        (b"status", q(b"%d" % e.status)),
        (b"body_bytes_sent", q(b"%d" % e.size)),
        (b"http_referer", q(b"" if e.referer == b"-" else e.referer)),
        (b"http_user_agent", q(b"" if e.user_agent == b"-" else e.user_agent)),
        (b"request_time", q(b"0.004")),
    ]
    return b"{" + b",".join(b'"' + k + b'":' + v for k, v in parts) + b"}"


def clf_offset(t):
    minutes = int(t.utcoffset().total_seconds() // 60)
    sign = b"+" if minutes >= 0 else b"-"
    minutes = abs(minutes)
    return b"%s%02d%02d" % (sign, minutes // 60, minutes % 60)


# --- W3C ----------------------------------------------------------------------------------------------

CLOUDFRONT_FIELDS = (
    "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) "
    "cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol "
    "cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type "
    "cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte "
    "x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end").split()
IIS_FIELDS = ("date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
              "cs(Referer) sc-status sc-substatus sc-win32-status time-taken").split()
# The fields an IIS site logs after someone ticked more boxes in "Select W3C Fields" (bytes, version,
# cookie) and IIS restarted: another order. No cs-host: a host names the site (see the module's doc).
IIS_FIELDS_REORDERED = ("date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query "
                        "sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken cs-version "
                        "cs(User-Agent) cs(Cookie) cs(Referer)").split()
CLOUDFRONT_HOST = "d111111abcdef8.cloudfront.net"
# CloudFront URL-encodes these bytes of cs(User-Agent) and cs(Referer) (and a space as %20).
_CF_ENCODE = set(b' %"\\<>') | set(range(0x20)) | set(range(0x7f, 0x100))
# Bytes no W3C field may hold as they are (they would split or end the line).
_W3C_UNSAFE = set(b" \t") | set(range(0x20)) | {0x7f}


def cloudfront_encode(b):
    return "".join("%%%02X" % c if c in _CF_ENCODE else chr(c) for c in b)


def w3c_safe(b):
    """A path or query as CloudFront and IIS log it: as sent, with the bytes that would break the line
    percent-encoded (the sample has none)."""
    return "".join("%%%02X" % ord(ch) if ord(ch) in _W3C_UNSAFE else ch for ch in text(b))


def iis_plus(b):
    """IIS writes a space in cs(User-Agent), cs(Referer) and cs-username as '+'. A '+' of the value stays
    '+': the spelling cannot be undone (darkscan reads every '+' of cs(User-Agent) as a space)."""
    return text(b).replace(" ", "+")


def _content_type(path):
    ext = path.rsplit(b".", 1)[-1].lower() if b"." in path.rsplit(b"/", 1)[-1] else b""
    return {b"css": "text/css", b"js": "application/javascript", b"jpg": "image/jpeg", b"png": "image/png",
            b"webp": "image/webp", b"woff2": "font/woff2", b"ico": "image/x-icon", b"xml": "application/xml",
            b"txt": "text/plain"}.get(ext, "text/html")


def _w3c_values(e, index):
    """Every W3C field name either server may list, mapped to its value for entry `e` ("-" for none)."""
    start = e.time.astimezone(UTC)
    dur = duration_us(index)
    result = ("Error" if e.status >= 400 else "Redirect" if 300 <= e.status < 400 and e.status != 304
              else "Hit" if b"/static/" in e.path or b"/media/" in e.path else "Miss")
    request_id = base64.urlsafe_b64encode(hashlib.sha512(b"%d:rid" % index).digest()[:40]).decode()
    query = e.query
    version = text(e.protocol)
    return {
        "date": start.strftime("%Y-%m-%d"),
        "time": start.strftime("%H:%M:%S"),
        # CloudFront
        "x-edge-location": "LOS50-P1",
        "cs(Host)": CLOUDFRONT_HOST,
        "x-edge-result-type": result,
        "x-edge-request-id": request_id,
        "x-host-header": "-",
        "cs-protocol": "https",
        "cs-bytes": str(180 + seeded(index, "cs-bytes", 400)),
        "x-forwarded-for": "-",
        "ssl-protocol": "TLSv1.3",
        "ssl-cipher": "TLS_AES_128_GCM_SHA256",
        "x-edge-response-result-type": result,
        "cs-protocol-version": version,
        "fle-status": "-",
        "fle-encrypted-fields": "-",
        "c-port": str(client_port(index)),
        "time-to-first-byte": "%.3f" % max(0.001, dur / 1e6 - 0.001),
        "x-edge-detailed-result-type": result,
        "sc-content-type": _content_type(e.path),
        "sc-content-len": str(e.size),
        "sc-range-start": "-",
        "sc-range-end": "-",
        "cs(Cookie)": "-",
        # both
        "c-ip": text(e.client),
        "cs-method": text(e.method),
        "cs-uri-stem": w3c_safe(e.path),
        "cs-uri-query": "-" if not query else w3c_safe(query),
        "sc-status": str(e.status),
        "sc-bytes": str(e.size + 280),
        # IIS
        "s-ip": "10.0.0.5",
        "s-port": "443",
        "cs-username": "-" if e.user == b"-" else iis_plus(e.user),
        "sc-substatus": "0",
        "sc-win32-status": "0",
        "cs-version": version,
    }


def cloudfront(line, index=0, fields=CLOUDFRONT_FIELDS):
    """One tab-separated CloudFront standard-log line; date and time in UTC, time-taken in seconds."""
    e = entry_of(line)
    if e is None:
        return None
    values = _w3c_values(e, index)
    values["cs(Referer)"] = "-" if e.referer == b"-" else cloudfront_encode(e.referer)
    values["cs(User-Agent)"] = "-" if e.user_agent == b"-" else cloudfront_encode(e.user_agent)
    values["time-taken"] = "%.3f" % (duration_us(index) / 1e6)
    return "\t".join(values[f] for f in fields).encode("utf-8")


def cloudfront_header(fields=CLOUDFRONT_FIELDS):
    return b"#Version: 1.0\n#Fields: " + " ".join(fields).encode() + b"\n"


def iis(line, index=0, fields=IIS_FIELDS):
    """One space-separated IIS W3C line; date and time in UTC, time-taken in milliseconds."""
    e = entry_of(line)
    if e is None:
        return None
    values = _w3c_values(e, index)
    values["cs(Referer)"] = "-" if e.referer == b"-" else iis_plus(e.referer)
    values["cs(User-Agent)"] = "-" if e.user_agent == b"-" else iis_plus(e.user_agent)
    values["time-taken"] = str(max(1, duration_us(index) // 1000))
    return " ".join(values[f] for f in fields).encode("utf-8")


def iis_header(first_time, fields=IIS_FIELDS):
    """The directives IIS writes at the top of a log file, and again after each restart."""
    stamp = first_time.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S").encode()
    return (b"#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: " + stamp
            + b"\n#Fields: " + " ".join(fields).encode() + b"\n")


# name -> (line function, preset that auto-detection should name, sample file under samples/)
FORMATS = {
    "caddy": (caddy, "caddy", "caddy.log"),
    "traefik-json": (traefik_json, "traefik-json", "traefik.json.log"),
    "cloudflare": (cloudflare, "cloudflare", "cloudflare.json.log"),
    "nginx-json": (nginx_json, "nginx-json", "nginx-json.log"),
    "cloudfront": (cloudfront, "cloudfront", "cloudfront.log"),
    "w3c": (iis, "w3c", "iis.log"),
}


def lines_of(data):
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def filtered_combined(data):
    """The combined log without the lines no format here can hold (convertible()), byte for byte."""
    return b"".join(line + b"\n" for line in lines_of(data) if entry_of(line) is not None)


def convert(name, data, restart_at=None):
    """A whole combined log (bytes) in format `name`, as the server writes the file.

    `restart_at` (W3C only): after that many written lines, the server restarts and starts a new
    section (directives again), IIS with IIS_FIELDS_REORDERED, CloudFront with its fields reversed
    after date and time."""
    function = FORMATS[name][0]
    out = []
    written = 0
    entries = [(i, line) for i, line in enumerate(lines_of(data)) if entry_of(line) is not None]
    if name == "cloudfront":
        out.append(cloudfront_header())
    elif name == "w3c" and entries:
        out.append(iis_header(entry_of(entries[0][1]).time))
    fields_kw = {}
    for index, line in entries:
        if restart_at is not None and written == restart_at:
            if name == "w3c":
                fields_kw = {"fields": IIS_FIELDS_REORDERED}
                out.append(iis_header(entry_of(line).time, IIS_FIELDS_REORDERED))
            elif name == "cloudfront":
                reordered = CLOUDFRONT_FIELDS[:2] + CLOUDFRONT_FIELDS[:1:-1]
                fields_kw = {"fields": reordered}
                out.append(cloudfront_header(reordered))
            else:
                raise ValueError("restart_at is for the W3C formats")
        out.append(function(line, index, **fields_kw) + b"\n")
        written += 1
    return b"".join(out)


def write_samples(root):
    """Rewrites samples/<file> of every format from samples/combined.log."""
    with open(os.path.join(root, "samples", "combined.log"), "rb") as f:
        data = f.read()
    for name, (_, _, sample) in FORMATS.items():
        with open(os.path.join(root, "samples", sample), "wb") as f:
            f.write(convert(name, data))


def main(argv):
    if argv[1:] == ["--samples"]:
        write_samples(os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")))
        return 0
    if len(argv) != 2 or (argv[1] not in FORMATS and argv[1] != "--filtered"):
        print("usage: log_formats.py {%s|--filtered|--samples} < combined.log" % "|".join(FORMATS),
              file=sys.stderr)
        return 2
    data = sys.stdin.buffer.read()
    sys.stdout.buffer.write(filtered_combined(data) if argv[1] == "--filtered" else convert(argv[1], data))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
