#pragma once

#include <darkscan/classify/rules.hpp>
#include <darkscan/classify/verdict.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace darkscan {

// What can be known about a hit from the hit alone: its class and every rule
// match. Computed by Classifier::prepare, on any thread and in any order; the
// order-dependent part (visits, previews, channels) is decided afterwards, in
// input order, by Analyzer::decide.
struct Prepared {
  Verdict verdict;                   // class, app, asset_path; reasons of hits that are not page views
  const Rule* ua = nullptr;          // agents.rules match (page views)
  const Rule* package = nullptr;     // xrw.rules match
  const Rule* tag = nullptr;         // params.rules match (social click ids only with a referrer)
  const Rule* referrer = nullptr;    // referrers.rules match
  std::uint32_t ref_host_offset = 0; // the referrer's lower-case host, in the arena given to prepare()
  std::uint32_t ref_host_size = 0;
  bool landing = false;      // the path is a landing page (computed when there is no referrer)
  std::uint64_t visitor = 0; // visitor_key() of the hit (page views; 0 for the others)

  std::string_view ref_host(std::string_view arena) const {
    return arena.substr(ref_host_offset, ref_host_size);
  }
};

// Prepares hits on one thread (it owns caches). Implemented by the Analyzer.
class HitPreparer {
public:
  virtual ~HitPreparer() = default;
  // Fills `out`; text it needs to keep is appended to `arena`.
  virtual void prepare(const struct Hit& hit, Prepared& out, std::string& arena) = 0;
};

} // namespace darkscan
