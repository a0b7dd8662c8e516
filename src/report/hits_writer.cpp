#include <darkscan/classify/visitor_key.hpp>
#include <darkscan/report/hits_writer.hpp>
#include <darkscan/report/report.hpp>
#include <darkscan/util/hash.hpp>
#include <darkscan/util/text.hpp>
#include <darkscan/util/url_path.hpp>

#include <fmt/format.h>

namespace darkscan {

namespace {

void json_string(std::string& out, std::string_view s) {
  out += '"';
  util::append_json_string(out, s);
  out += '"';
}

} // namespace

HitsWriter::HitsWriter(Output& out, Format format, bool explain, std::string salt, bool show_ip)
    : m_out(out), m_format(format), m_explain(explain), m_salt(std::move(salt)), m_show_ip(show_ip) {
  if (m_format == Format::tsv) {
    std::string header =
        "file\tline\ttime\tpath\tclass\tvisit_start\tchannel\tweight\tevidence\tapp\treasons\tvisitor";
    if (m_show_ip) header += "\tclient";
    if (m_explain) header += "\trules";
    m_out.write(header + "\n");
  }
}

// 16 hex digits: the visitor key hashed with the run's salt. Only page views carry their key
// (Classifier::prepare); the other hits' is made here, the same way.
std::string HitsWriter::visitor_id(const Hit& hit, const Verdict& v) const {
  const std::uint64_t key =
      v.visitor != 0 ? v.visitor : visitor_key(hit.client, hit.forwarded_for, hit.user_agent);
  std::string bytes = m_salt;
  bytes.append(reinterpret_cast<const char*>(&key), sizeof key);
  return fmt::format("{:016x}", util::hash_bytes(bytes));
}

void HitsWriter::add(const Hit& hit, const Verdict& verdict) {
  if (m_format == Format::ndjson)
    add_json(hit, verdict);
  else
    add_tsv(hit, verdict);
  m_out.maybe_flush();
}

void HitsWriter::add_json(const Hit& hit, const Verdict& v) {
  std::string& out = m_out.buffer();
  out += "{\"file\":";
  json_string(out, hit.file);
  fmt::format_to(std::back_inserter(out), ",\"line\":{},\"time\":", hit.line);
  if (hit.time == Hit::k_no_time)
    out += "null";
  else
    json_string(out, format_utc(hit.time));
  out += ",\"path\":";
  if (hit.request_valid)
    json_string(out, path_of(hit));
  else
    out += "null";
  out += ",\"class\":";
  json_string(out, class_name(v.cls));
  out += v.visit_start ? ",\"visit_start\":true,\"channel\":" : ",\"visit_start\":false,\"channel\":";
  if (v.channel)
    json_string(out, channel_name(*v.channel));
  else
    out += "null";
  // The weights.rules value of the evidence; the report counts the evidence and may weigh it otherwise
  // (the site model, previews' reach, learned hubs: doc/CLASSIFIER.md).
  fmt::format_to(std::back_inserter(out), ",\"weight\":{},\"evidence\":", v.weight);
  if (v.evidence)
    json_string(out, evidence_name(*v.evidence));
  else
    out += "null";
  out += ",\"app\":";
  if (v.app.empty())
    out += "null";
  else
    json_string(out, v.app);
  out += ",\"reasons\":[";
  for (std::size_t i = 0; i < v.reason_count; ++i) {
    if (i) out += ',';
    json_string(out, v.reasons[i]);
  }
  out += "],\"visitor\":";
  json_string(out, visitor_id(hit, v));
  if (m_show_ip) {
    out += ",\"client\":";
    json_string(out, hit.client);
  }
  if (m_explain) {
    out += ",\"rules\":[";
    bool first = true;
    each_citation(hit, v, [&](const Rule& r) {
      out += first ? "{\"id\":" : ",{\"id\":";
      first = false;
      json_string(out, r.id);
      out += ",\"pattern\":";
      json_string(out, r.param.empty() ? r.pattern : r.param + "=" + r.pattern);
      out += ",\"origin\":";
      json_string(out, r.origin);
      out += '}';
    });
    out += ']';
    if (v.preview_line) {
      out += ",\"preview_fetch\":{\"file\":";
      json_string(out, v.preview_file);
      fmt::format_to(std::back_inserter(out), ",\"line\":{},\"time\":", v.preview_line);
      json_string(out, format_utc(v.preview_time));
      out += '}';
    }
  }
  out += "}\n";
}

template <typename Cite> void HitsWriter::each_citation(const Hit& hit, const Verdict& v, Cite cite) {
  bool no_referrer = false;
  for (std::size_t i = 0; i < v.reason_count; ++i) {
    if (v.rules[i]) cite(*v.rules[i]);
    no_referrer = no_referrer || v.reasons[i] == "ref.none.deep" || v.reasons[i] == "ref.none.landing";
  }
  if (!m_rules) return;
  if (no_referrer) {
    // Deep or landing, as the rules say; the report may still take a page for a landing page
    // (a section front learned from the log) or weigh its evidence otherwise (the site model).
    if (const Rule* landing = m_rules->match_landing(hit.path)) {
      cite(*landing);
    } else {
      if (m_no_landing.id.empty()) {
        m_no_landing = Rule{"landing.none",           "", "", "no landing rule matches the path: a deep page",
                            m_rules->landing_files(), 0};
      }
      cite(m_no_landing);
    }
  }
  if (v.evidence) cite(m_rules->weight_rule(*v.evidence));
}

// The path as the report counts it: one page, one spelling.
std::string_view HitsWriter::path_of(const Hit& hit) {
  return util::page_key(hit.path, hit.query, m_keep_params, m_path, m_key);
}

void HitsWriter::add_tsv(const Hit& hit, const Verdict& v) {
  std::string& out = m_out.buffer();
  util::append_tsv_field(out, hit.file);
  fmt::format_to(std::back_inserter(out), "\t{}\t{}\t", hit.line,
                 hit.time == Hit::k_no_time ? "" : format_utc(hit.time));
  if (hit.request_valid) util::append_tsv_field(out, path_of(hit));
  out += '\t';
  out += class_name(v.cls);
  out += v.visit_start ? "\ttrue\t" : "\tfalse\t";
  if (v.channel) out += channel_name(*v.channel);
  fmt::format_to(std::back_inserter(out), "\t{}\t", v.weight);
  if (v.evidence) out += evidence_name(*v.evidence);
  out += '\t';
  util::append_tsv_field(out, v.app);
  out += '\t';
  for (std::size_t i = 0; i < v.reason_count; ++i) {
    if (i) out += ',';
    util::append_tsv_field(out, v.reasons[i]);
  }
  out += '\t';
  out += visitor_id(hit, v);
  if (m_show_ip) {
    out += '\t';
    util::append_tsv_field(out, hit.client);
  }
  if (m_explain) {
    out += '\t';
    bool first = true;
    each_citation(hit, v, [&](const Rule& r) {
      if (!first) out += " | ";
      first = false;
      util::append_tsv_field(out, r.origin + ": " + r.pattern);
    });
    if (v.preview_line) {
      out += " | preview fetch: ";
      util::append_tsv_field(
          out, fmt::format("{}:{} at {}", v.preview_file, v.preview_line, format_utc(v.preview_time)));
    }
  }
  out += '\n';
}

} // namespace darkscan
