#pragma once

#include <darkscan/report/output.hpp>
#include <darkscan/visits/analyzer.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// `--hits`: one record per hit, with its verdict, instead of the report.
// NDJSON (one object per line) or TSV (a header line, then one hit per line).
// Field names are a public interface: README "Per-hit output".
class HitsWriter final : public VerdictSink {
public:
  enum class Format { ndjson, tsv };

  // `explain`: add the text and origin of each matched rule. `salt`: mixed
  // into the visitor hash, so that it cannot be reversed to an address by
  // trying them all; `show_ip`: add the client address (off by default).
  HitsWriter(Output& out, Format format, bool explain, std::string salt, bool show_ip);

  void add(const Hit& hit, const Verdict& verdict) override;
  bool needs_order() const override { return true; } // records in input order
  // The query parameters that stay in page keys: `path` is then the report's page ("/?p=123").
  void keep_params(std::vector<std::string> params) { m_keep_params = std::move(params); }
  // With --explain, the rules also cite the weights.rules line of the evidence and, for an arrival
  // without referrer, the landing rule that matched the path or the landing files none of which did.
  void rules(const Rules* rules) { m_rules = rules; }

private:
  void add_json(const Hit& hit, const Verdict& v);
  void add_tsv(const Hit& hit, const Verdict& v);

  std::string visitor_id(const Hit& hit, const Verdict& v) const;
  // The path as the report counts it (util::normalise_path), valid until the next call.
  std::string_view path_of(const Hit& hit);

  Output& m_out;
  Format m_format;
  bool m_explain;
  std::string m_salt;
  bool m_show_ip;
  std::string m_path; // reused buffers of the page key (util::page_key)
  std::string m_key;
  std::vector<std::string> m_keep_params;
  const Rules* m_rules = nullptr;
  Rule m_no_landing; // the citation when no landing rule matched
  // Calls cite(rule) for each rule the verdict's decision rests on (--explain).
  template <typename Cite> void each_citation(const Hit& hit, const Verdict& v, Cite cite);
};

} // namespace darkscan
