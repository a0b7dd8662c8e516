// JSON: one object {"summary": {...}, "pages": [...]}; always valid UTF-8.
#include <darkscan/report.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

namespace darkscan {

namespace {

void key(std::string& out, std::string_view name) {
  out += '"';
  out += name;
  out += "\":";
}

void string_value(std::string& out, std::string_view value) {
  out += '"';
  util::append_json_string(out, value);
  out += '"';
}

void time_value(std::string& out, std::int64_t t) {
  if (t == Hit::k_no_time) out += "null";
  else string_value(out, format_utc(t));
}

class JsonReporter final : public Reporter {
public:
  void write(const ReportData& data, std::string& out) const override {
    const ScanTotals& t = data.totals;
    out += "{\"summary\":{";
    out += fmt::format("\"lines\":{},\"parsed\":{},\"malformed\":{},\"empty\":{},\"overlong\":{},"
                       "\"invalid_requests\":{},\"bytes\":{},\"pages\":{},\"page_hits\":{},",
                       t.lines, t.parsed, t.malformed, t.empty, t.overlong, t.invalid_requests, t.bytes,
                       data.pages.size(), data.pages.total());
    key(out, "first_time");
    time_value(out, t.first_time);
    out += ',';
    key(out, "last_time");
    time_value(out, t.last_time);
    out += ",\"inputs\":[";
    for (std::size_t i = 0; i < t.inputs.size(); ++i) {
      const InputStats& in = t.inputs[i];
      out += i ? ",{" : "{";
      key(out, "name");
      string_value(out, in.name);
      out += ',';
      key(out, "codec");
      in.codec.empty() ? void(out += "null") : string_value(out, in.codec);
      out += ',';
      key(out, "format");
      in.format.empty() ? void(out += "null") : string_value(out, in.format);
      out += fmt::format(",\"lines\":{},\"parsed\":{},\"malformed\":{},\"bytes\":{},", in.lines, in.parsed,
                         in.malformed, in.bytes);
      key(out, "error");
      in.error.empty() ? void(out += "null") : string_value(out, in.error);
      out += '}';
    }
    out += "],\"malformed_examples\":[";
    for (std::size_t i = 0; i < t.examples.size(); ++i) {
      const MalformedLine& m = t.examples[i];
      out += i ? ",{" : "{";
      key(out, "file");
      string_value(out, m.file);
      out += fmt::format(",\"line\":{},", m.line);
      key(out, "reason");
      string_value(out, m.reason);
      out += '}';
    }
    out += "]},\"pages\":[";
    bool first = true;
    for (const auto& [path, hits] : data.pages.top(data.top)) {
      out += first ? "{" : ",{";
      first = false;
      key(out, "path");
      string_value(out, path);
      out += fmt::format(",\"hits\":{}}}", hits);
    }
    out += "]}\n";
  }
};

} // namespace

std::unique_ptr<Reporter> make_json_reporter() { return std::make_unique<JsonReporter>(); }

} // namespace darkscan
