#pragma once

#include <darkscan/classify/verdict.hpp>
#include <darkscan/parse/hit.hpp>

namespace darkscan {

// Receives every hit with its verdict. In input order when needs_order() says so; otherwise a page
// view without referrer may come a few seconds of log time late (MachineFilter holds it back), and
// the sink must count the same whatever the order (the Aggregate does: a state's shards are merged
// in any order too).
class VerdictSink {
public:
  virtual ~VerdictSink() = default;
  virtual void add(const Hit& hit, const Verdict& verdict) = 0;
  // True when the verdicts must come in input order (--hits writes them so).
  virtual bool needs_order() const { return false; }
};

} // namespace darkscan
