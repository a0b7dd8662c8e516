#pragma once

#include <darkscan/visits/verdict_sink.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace darkscan {

// Holds back each page view without referrer for a few seconds of log time, so that the Analyzer can
// still make it a machine's when the same visitor opens another page without referrer right after
// (machine_view(), Verdict::machine_pair): a mail scanner's first fetch is no reader's arrival either,
// though nothing told it apart when it came. Then hands every verdict on to `next`: in input order
// when next.needs_order(), else only the held ones late. Holding copies a hit's text to slots that
// are reused: no allocation once they have grown.
class MachineFilter final : public VerdictSink {
public:
  // Log seconds a page view is held: Analyzer's k_machine_seconds, and as much again for lines a
  // little out of order (Apache's %t is when a request began).
  static constexpr std::int64_t k_hold_seconds = 4;

  explicit MachineFilter(VerdictSink& next) : m_next(next) {}

  void add(const Hit& hit, const Verdict& verdict) override;
  bool needs_order() const override { return m_next.needs_order(); }
  // Hands on every verdict held (at the end of the input; a test that wants each verdict at once).
  void flush();
  // Page views made a machine's after they were held (the first of each machine's pages).
  std::uint64_t withdrawn() const { return m_withdrawn; }

  // What a machine's page view becomes: a bot, no arrival, reason visitor.machine.
  static void make_machine(Verdict& verdict);

private:
  struct Held {
    std::string text;
    Hit hit;
    Verdict verdict;
  };
  void hold(const Hit& hit, const Verdict& verdict);
  void release_before(std::int64_t time);
  void release_front();

  VerdictSink& m_next;
  std::vector<Held> m_ring; // a ring: m_size held from m_head on, oldest first
  std::size_t m_head = 0, m_size = 0;
  std::int64_t m_latest = INT64_MIN; // the latest time seen
  int m_ordered = -1;                // next.needs_order(), asked once (-1: not yet)
  std::uint64_t m_withdrawn = 0;
};

} // namespace darkscan
