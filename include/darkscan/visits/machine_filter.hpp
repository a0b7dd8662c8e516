#pragma once

#include <darkscan/visits/verdict_sink.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace darkscan {

// Holds back each page view that may be paired (Verdict::pairable: without referrer, on a site whose
// links send one) for a few seconds of log time, so that the Analyzer can
// still make it a machine's when the same visitor opens another page without referrer right after
// (machine_view(), Verdict::machine_pair): a mail scanner's first fetch is no reader's arrival either,
// though nothing told it apart when it came. Then hands every verdict on to `next`: in input order
// when next.needs_order(), else only the held ones late. Whether a page view is still open to be
// made a machine's depends on the times of the lines read since, never on the order the sink wants,
// so --hits and the report agree. Holding copies a hit's text to slots that are reused: no
// allocation once they have grown.
class MachineFilter final : public VerdictSink {
public:
  // Log seconds a page view stays open: Analyzer's k_machine_seconds, and as much again for lines a
  // little out of order (Apache's %t is when a request began).
  static constexpr std::int64_t k_hold_seconds = 4;
  // A line this much older than a held page view (a second file of the same hours, a line dated in
  // the future before it) closes it at once: the log went elsewhere in time. Page views close oldest
  // first: one dated ahead, kept open, would keep the later ones open too (a review: a line dated 5
  // minutes ahead made another visitor's page a machine's).
  static constexpr std::int64_t k_far_seconds = 2 * k_hold_seconds;
  // Bounds, whatever the sink: page views open at once, and lines read since the oldest open one (a
  // log of thousands of page views a second; with --hits, every line behind it is held).
  static constexpr std::size_t k_max_open = std::size_t{1} << 16;
  static constexpr std::uint64_t k_max_lines = std::uint64_t{1} << 16;

  explicit MachineFilter(VerdictSink& next) : m_next(next) {}

  void add(const Hit& hit, const Verdict& verdict) override;
  bool needs_order() const override { return m_next.needs_order(); }
  // Hands on every verdict held (at the end of the input; a test that wants each verdict at once).
  void flush();

  // The time of the held page view that the last add() made a machine's when it had started a visit,
  // else Hit::k_no_time (the Analyzer takes that visit back from its busy visitors' count).
  std::int64_t withdrawn_visit() const { return m_withdrawn; }

  // What a machine's page view becomes: a bot, no arrival, reason visitor.machine.
  static void make_machine(Verdict& verdict);

private:
  struct Held {
    std::string text;
    Hit hit;
    Verdict verdict;
    bool open = false; // a page view without referrer that a machine_pair may still withdraw
    std::uint64_t line = 0; // the number of lines given to add() before it
  };
  // The ring's size is a power of two: a mask, not a division, on every line.
  Held& at(std::uint64_t seq) { return m_ring[(m_head + (seq - m_head_seq)) & (m_ring.size() - 1)]; }
  void hold(const Hit& hit, const Verdict& verdict, bool open);
  void close_before(std::int64_t time);
  void emit_closed();
  // The latest open page view of `visitor`, or nullptr (an index by visitor, rebuilt as it fills).
  Held* open_of(std::uint64_t visitor);
  void index(std::uint64_t visitor, std::uint64_t seq);
  void rebuild_index();

  VerdictSink& m_next;
  std::vector<Held> m_ring; // a ring: m_size held from m_head on, oldest first
  std::size_t m_head = 0, m_size = 0;
  std::uint64_t m_head_seq = 0;   // the number of the hit at m_head (hits are numbered as held)
  std::uint64_t m_first_open = 0; // no hit before this number is open
  std::vector<std::pair<std::uint64_t, std::uint64_t>> m_index; // visitor, number; open addressing
  std::size_t m_index_used = 0;
  std::size_t m_open = 0;    // open page views held
  std::uint64_t m_lines = 0; // lines given to add()
  int m_ordered = -1;        // next.needs_order(), asked once (-1: not yet)
  std::int64_t m_withdrawn = Hit::k_no_time; // withdrawn_visit()
};

} // namespace darkscan
