// JSON: one object {"summary": {...}, "channels": {...}, "pages": [...]};
// always valid UTF-8. Fields are documented in README.md ("Output").
#include <darkscan/report/report.hpp>
#include <darkscan/util/number.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

namespace darkscan {

namespace {

class Json {
public:
  explicit Json(std::string& out) : m_out(out) {}

  // A key written in this file (plain ASCII, no '"' or '\\'): as it is, not escaped byte by byte
  // (48,000 keys took 21 M instructions of the report of 6,007 pages: callgrind).
  template <std::size_t N> Json& key(const char (&name)[N]) {
    comma();
    m_out += '"';
    m_out.append(name, N - 1);
    m_out += "\":";
    m_after_key = true;
    return *this;
  }
  // Other keys are escaped: app names come from rules files, which users write.
  Json& key(std::string_view name) {
    comma();
    m_out += '"';
    util::append_json_string(m_out, name);
    m_out += "\":";
    m_after_key = true; // the value follows without a comma
    return *this;
  }
  Json& string(std::string_view value) {
    comma();
    m_out += '"';
    util::append_json_string(m_out, value);
    m_out += '"';
    return *this;
  }
  Json& number(double value) {
    comma();
    util::append_plain_number(m_out, value);
    return *this;
  }
  Json& count(std::uint64_t value) {
    comma();
    const fmt::format_int digits(value); // no format string to read
    m_out.append(digits.data(), digits.size());
    return *this;
  }
  Json& boolean(bool value) {
    comma();
    m_out += value ? "true" : "false";
    return *this;
  }
  Json& null() {
    comma();
    m_out += "null";
    return *this;
  }
  Json& time(std::int64_t t) { return t == Hit::k_no_time ? null() : string(format_utc(t)); }
  Json& open(char bracket) {
    comma();
    m_out += bracket;
    m_first = true;
    return *this;
  }
  Json& close(char bracket) {
    m_out += bracket;
    m_first = false;
    return *this;
  }
  Json& apps(const AppCounts& counts) {
    open('{');
    for (const auto& [app, n] : ranked(counts))
      key(app).count(n);
    return close('}');
  }

private:
  void comma() {
    if (m_after_key) {
      m_after_key = false;
    } else if (!m_first) {
      m_out += ',';
    }
    m_first = false;
  }

  std::string& m_out;
  bool m_first = true;
  bool m_after_key = false;
};

// `sums`: data.sums(traffic), which weighs every page of it (shared with traffic_fields).
void channels(Json& j, const ReportData& data, const Aggregate& traffic, const ReportData::Sums& sums) {
  const TrafficTotals& t = traffic.totals();
  const bool known = ReportData::estimate(sums, t).counted(); // null without referrers, as the summary
  j.open('{');
  for (std::size_t c = 0; c < k_channel_count; ++c) {
    const ChannelStats& cs = t.channels[c];
    j.key(channel_name(static_cast<Channel>(c))).open('{');
    j.key("visits").count(cs.visits);
    j.key("share"); // of no visits, no share (as the summary's)
    t.visits ? j.number(static_cast<double>(cs.visits) / static_cast<double>(t.visits)) : j.null();
    j.key("dark_social");
    known ? j.number(data.channel_dark(sums, static_cast<Channel>(c))) : j.null();
    j.close('}');
  }
  j.close('}');
}

// A share, its range and the estimated dark-social visits; null when the log does not record referrers,
// the share and its range null without visits.
void estimate_fields(Json& j, const ShareEstimate& e) {
  auto value = [&](double v) -> Json& { return e.known ? j.number(v) : j.null(); };
  j.key("dark_social");
  e.counted() ? j.number(e.dark) : j.null();
  j.key("share");
  value(e.share);
  j.key("share_low");
  value(e.low);
  j.key("share_high");
  value(e.high);
}

void traffic_fields(Json& j, const Aggregate& traffic, const ReportData::Sums& sums) {
  const TrafficTotals& t = traffic.totals();
  j.key("bots").count(t.bots).key("previews").count(t.previews).key("assets").count(t.assets);
  j.key("page_views").count(t.page_views).key("visits").count(t.visits);
  j.key("dark_social_visits").count(t.dark_social_visits);
  estimate_fields(j, ReportData::estimate(sums, t));
}

// The site model (site_model.hpp): what the report fitted on its own pages.
void model(Json& j, const SiteModel& m) {
  j.open('{');
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
    j.key(evidence_name(k_model_kinds[k])).open('{').key("pages").count(m.pages[k]);
    j.key("fitted").boolean(m.fitted[k]).key("given").boolean(m.given[k]);
    j.key("instrumented").boolean(m.instrumented[k]);
    j.key("per_signed_private").number(m.signed_rate[k]).key("per_public").number(m.public_rate[k]);
    j.key("fitted_share").number(m.fitted_share[k]).key("fitted_low").number(m.fitted_low[k]);
    j.key("fitted_high").number(m.fitted_high[k]);
    j.key("private_share")
        .number(m.applied_share[k])
        .key("page_prior")
        .number(m.site_share[k])
        .key("prior_arrivals")
        .number(m.prior_arrivals[k])
        .key("spread")
        .number(m.spread[k])
        .close('}');
  }
  j.close('}');
}

void page(Json& j, const ReportData& data, const ReportPeriod& period, const PageRow& row) {
  const PageStats& p = *row.stats;
  j.open('{');
  if (data.by_period) j.key("period").string(period.label);
  j.key("path").string(row.path).key("visits").count(p.visits);
  j.key("dark_social_visits").count(p.dark_social_visits).key("referrer_unknown").count(p.unknown);
  estimate_fields(j, row.estimate);
  j.key("evidence").open('{');
  const auto groups = p.groups();
  for (std::size_t e = 0; e < k_evidence_group_count; ++e) {
    j.key(evidence_group_name(static_cast<EvidenceGroup>(e))).count(groups[e]);
  }
  j.close('}').key("previews").apps(p.previews).key("top_app");
  const std::string_view top = data.top_app(p);
  top.empty() ? j.null() : j.string(top);
  j.key("page_views").count(p.page_views);
  // Judged over the whole report, as its estimate: a front learned from the log (a hub).
  j.key("learned_front").boolean(is_hub(page_of(data.total, row.path), data.settings)).close('}');
}

class JsonReporter final : public Reporter {
private:
  void render(const ReportData& data, std::string& out, const PageDone& page_done) const override {
    const ScanTotals& s = data.scan;
    const TrafficTotals& t = data.total.totals();
    std::vector<std::vector<PageRow>> rows;
    std::size_t shown = 0, hidden = 0, cut = 0;
    for (const ReportPeriod& period : data.periods) {
      std::size_t h = 0, c = 0;
      rows.push_back(page_rows(data, period, h, &c));
      shown += rows.back().size();
      hidden += h;
      cut += c;
    }
    Json j(out);
    j.open('{').key("summary").open('{');
    j.key("lines").count(s.lines).key("parsed").count(s.parsed).key("malformed").count(s.malformed);
    j.key("empty").count(s.empty).key("overlong").count(s.overlong).key("not_records").count(s.not_records);
    j.key("invalid_requests").count(s.invalid_requests).key("bytes").count(s.bytes);
    const ReportData::Sums total_sums = data.sums(data.total);
    traffic_fields(j, data.total, total_sums);
    j.key("first_time").time(s.first_time).key("last_time").time(s.last_time);
    j.key("window_start").time(s.window_start.value_or(Hit::k_no_time));
    j.key("window_end").time(s.window_end.value_or(Hit::k_no_time));
    j.key("site").open('[');
    for (const auto& host : data.site_hosts)
      j.string(host);
    j.close(']');
    // pages_cut: left out by --top (a review, 2026-12-07: "pages": 3 read as a site of 3 pages).
    j.key("pages").count(shown).key("pages_hidden").count(hidden).key("pages_cut").count(cut);
    j.key("previews_by_app").apps(t.previews_by_app);
    j.key("inputs_failed").count(s.inputs_failed());
    j.key("inputs").open('[');
    for (const InputStats& in : s.inputs) {
      j.open('{').key("name").string(in.name);
      j.key("codec");
      in.codec.empty() ? j.null() : j.string(in.codec);
      j.key("format");
      in.format.empty() ? j.null() : j.string(in.format);
      j.key("lines").count(in.lines).key("parsed").count(in.parsed).key("malformed").count(in.malformed);
      j.key("bytes").count(in.bytes).key("out_of_order").count(in.out_of_order);
      j.key("overlapping").count(in.overlapping).key("error");
      in.error.empty() ? j.null() : j.string(in.error.en);
      j.close('}');
    }
    j.close(']').key("malformed_examples").open('[');
    for (const MalformedLine& m : s.examples) {
      j.open('{').key("file").string(m.file).key("line").count(m.line).key("reason").string(m.reason.en).close(
          '}');
    }
    j.close(']').key("notes").open('[');
    for (const Message& note : s.notes)
      j.string(note.en);
    // Why the share is null when some lines log no referrer: the table and HTML say it, a cron job
    // reads only this (an analyst's review, 2026-12-07). JSON is English, as its other notes.
    if (const ShareEstimate e = data.estimate(data.total); !e.known && !e.no_visits && e.unknown < e.visits)
      j.string(fmt::format(
          "the share is null: {} of the {} visits cannot be judged, their lines do not " // not for
                                                                                         // translation
          "record the referrer (a tenth is the most an estimate allows)", // not for translation
          e.unknown, e.visits));
    j.close(']').key("model");
    model(j, data.model);
    j.close('}');
    j.key("channels");
    channels(j, data, data.total, total_sums);
    if (data.by_period) {
      j.key("periods").open('[');
      for (const ReportPeriod& period : data.periods) {
        // partial: the lines read cover less than 90% of it (a first or last day of a few hours),
        // as the table and the HTML mark it, so that a script does not read a collapse of traffic.
        j.open('{').key("period").string(period.label).key("partial").boolean(period.partial);
        const ReportData::Sums sums = data.sums(*period.traffic);
        traffic_fields(j, *period.traffic, sums);
        j.key("channels");
        channels(j, data, *period.traffic, sums);
        j.close('}');
      }
      j.close(']');
    }
    j.key("pages").open('[');
    for (std::size_t i = 0; i < data.periods.size(); ++i) {
      for (const PageRow& row : rows[i]) {
        page(j, data, data.periods[i], row);
        if (page_done) page_done();
      }
    }
    j.close(']').close('}');
    out += '\n';
  }
};

// NDJSON: one page object per line, as in the "pages" array of the JSON.
class NdjsonReporter final : public Reporter {
private:
  void render(const ReportData& data, std::string& out, const PageDone& page_done) const override {
    for (const ReportPeriod& period : data.periods) {
      std::size_t hidden = 0;
      for (const PageRow& row : page_rows(data, period, hidden)) {
        Json j(out);
        page(j, data, period, row);
        out += '\n';
        if (page_done) page_done();
      }
    }
  }
};

} // namespace

std::unique_ptr<Reporter> make_json_reporter() { return std::make_unique<JsonReporter>(); }
std::unique_ptr<Reporter> make_ndjson_reporter() { return std::make_unique<NdjsonReporter>(); }

} // namespace darkscan
