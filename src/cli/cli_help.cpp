#include <darkscan/cli/cli_help.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/parse/presets.hpp>

#include <fmt/format.h>

#include <string_view>

namespace darkscan {

// The text after the options of `darkscan --help`, one section a message.
std::string run_footer() {
  // TRANSLATORS: --help's sections after the options. CLI11 writes them as they are: keep the
  // two-space indent and lines of at most 80 columns.
  std::string out = tr(R"(Input:
  FILE may be plain or compressed with gzip (several members too), bzip2, xz or
  zstd: the codec is read from the first bytes, not the name. Files are read in
  time order (by their first lines), whatever the order given. No FILE, or '-',
  reads standard input, as it comes.
)");
  out += '\n';
  // TRANSLATORS: keep the two --log-format examples as they are.
  out += tr(R"(Formats (--log-format):
  Without it, each input's format is detected from its first 50 lines among
  the presets below. Otherwise give a preset name, or the format string from
  your server's configuration:
    nginx:  --log-format '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'
    Apache: --log-format '%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"'
  Whole config lines (log_format main '...'; / LogFormat "..." name) work too.
  JSON lines (nginx escape=json, Caddy, Traefik, Cloudflare Logpush) are
  recognised by their keys, W3C logs (IIS, CloudFront) by their '#Fields' line,
  read again wherever a new one appears. Other JSON keys: name them,
    --log-format 'json: ts=time req.url=target req.ua=user_agent ip=client ...'
  --list-formats shows the presets and their keys.
)");
  out += '\n';
  out += tr("Examples:");
  out += '\n';
  // The commands are not for translation, their comments are.
  const char* commands = R"(  darkscan /var/log/nginx/access.log
  darkscan access.log.3.gz access.log.2.gz access.log.1 access.log
  zcat -f access.log.2.gz access.log.1 | darkscan -
  darkscan --output-format json access.log | jq .summary
  darkscan --hits --explain access.log | jq 'select(.visit_start)'
  darkscan rules check ~/my-rules && darkscan --rules ~/my-rules access.log
  {}
  15 2 * * * darkscan -q --since yesterday --until today -F json -o /var/lib/darkscan/daily.json /var/log/nginx/access.log.2.gz /var/log/nginx/access.log.1 /var/log/nginx/access.log
  {}
  15 0 * * * darkscan -q --state /var/lib/darkscan/state --state-keep 90d --since -7d -F json -o /var/lib/darkscan/week.json /var/log/nginx/access.log.1 /var/log/nginx/access.log
  {}
  darkscan --state-out web1.state -o /dev/null web1/access.log   {}
  darkscan merge -F json web1.state web2.state > report.json
)";
  out += fmt::format(
      fmt::runtime(commands),
      // TRANSLATORS: comments in --help's examples (shell comments: keep the '#').
      tr("# crontab (with PATH=/usr/local/bin:/usr/bin:/bin): yesterday's JSON summary, written atomically"),
      tr("# crontab: read only what is new since last night, keep 90 days, report on the last 7"),
      tr("# one shard per server, then one report (see doc/DISTRIBUTED.md)"), tr("# on each server"));
  out += '\n';
  // TRANSLATORS: keep the statuses (0 to 3) in their column.
  out += tr(R"(Exit status:
  0   success
  1   a runtime failure: an input could not be opened, recognised or read to
      its end, or none of its lines could be parsed with the format (the
      report of what could be read is still produced, and names the input),
      or the output could not be written
  2   usage error: bad option, bad --log-format, bad rules
  3   --strict and a malformed line was found
)");
  return out;
}

// The text after the options of `darkscan merge --help`.
std::string merge_footer() {
  std::string out = tr("Examples:");
  out += '\n';
  // The commands are not for translation, their comment is.
  out += fmt::format(R"(  darkscan merge -F json web1.state web2.state web3.state > report.json
  darkscan merge --by day -F html -o report.html states/*.state
  darkscan merge -o /dev/null --state-out week.state mon.state tue.state   {}
)",
                     tr("# one state for later merges"));
  out += '\n';
  out +=
      // TRANSLATORS: lines of at most 100 columns.
      tr(R"(Merging is exact for every counter, and for visits when shards split the traffic by server or by
time; doc/DISTRIBUTED.md says what can differ when shards overlap. A state given twice is refused.
)");
  out += '\n';
  out += tr(R"(Exit status:
  0   success
  1   a state could not be read, or is damaged or of another version
      (nothing is written), or the output could not be written
  2   usage error
)");
  return out;
}

std::string preset_list() {
  std::string out;
  for (const Preset& preset : presets()) {
    out += fmt::format("{}\n  {}\n  {}\n", preset.name, tr(preset.description.data()),
                       format_tr(N_("aliases: {}"), preset.aliases));
    if (preset.syntax != LogFormat::Syntax::json) {
      out += fmt::format("  {}\n", preset.spec);
      continue;
    }
    // A key map, one "key=field" a line: the first key listed for a field wins.
    out += "  ";
    out += tr("JSON keys:");
    std::string_view rest = preset.spec;
    while (!rest.empty()) {
      const std::size_t sp = rest.find(' ');
      out += fmt::format(" {}", rest.substr(0, sp));
      if (sp == std::string_view::npos) break;
      rest.remove_prefix(sp + 1);
    }
    out += '\n';
  }
  out += '\n';
  // TRANSLATORS: FIELD and the names after it are what --log-format takes: keep them.
  out += tr("A JSON log with other keys:\n"
            "  --log-format 'json: KEY=FIELD ...' (FIELD: client, client:port, user, time, request, method,\n"
            "  target, path, query, protocol, status, bytes, referer, user_agent, host, forwarded_for,\n"
            "  requested_with, duration:s|ms|us|ns; a.b for a key inside an object)\n");
  return out;
}

} // namespace darkscan
