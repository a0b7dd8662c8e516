#pragma once

#include <darkscan/classifier.hpp>
#include <darkscan/preview_memory.hpp>
#include <darkscan/scan.hpp>
#include <darkscan/sessions.hpp>
#include <darkscan/site.hpp>
#include <darkscan/verdict.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace darkscan {

// Receives every hit with its verdict, in input order.
class VerdictSink {
public:
  virtual ~VerdictSink() = default;
  virtual void add(const Hit& hit, const Verdict& verdict) = 0;
};

// Turns hits into verdicts: what each hit is (Classifier), which page views
// start a visit (Sessions), and where each arrival came from, with the
// evidence and its weight. The decision order is documented in
// doc/CLASSIFIER.md.
//
// When neither the log ($host, %v) nor --site names the site, the first hits
// are held back (up to a few thousand, copied) until the site's host can be
// guessed from referrers; then they are analysed in order. finish() must be
// called at the end of the input.
class Analyzer final : public HitSink {
public:
  using NoteHandler = std::function<void(const std::string&)>;

  Analyzer(const Rules& rules, const std::vector<std::string>& sites, VerdictSink& sink, NoteHandler note);
  ~Analyzer() override;

  void add(const Hit& hit) override;
  void finish();

  // The site hosts used (given or guessed).
  const SiteHosts& site() const { return m_site; }
  std::size_t visitors() const { return m_sessions.size(); }

private:
  struct HeldHit;
  void analyze(const Hit& hit);
  void arrival(const Hit& hit, const ReferrerInfo& ref, bool internal, const Rule* tag, Verdict& v);
  void guess_site();

  Classifier m_classifier;
  Sessions m_sessions;
  PreviewMemory m_previews;
  SiteHosts m_site;
  SiteGuess m_guess;
  VerdictSink& m_sink;
  NoteHandler m_note;
  bool m_guessing;
  std::vector<std::unique_ptr<HeldHit>> m_held;
  Verdict m_verdict;
};

} // namespace darkscan
