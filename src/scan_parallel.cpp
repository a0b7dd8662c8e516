// Scanner::scan_parallel: the hot work (parsing a line, matching its rules) runs
// on worker threads, a block of lines at a time; the order-dependent work
// (counting, visits, previews, channels) runs on the calling thread, block by
// block in input order. Results are the same for any thread count.
#include <darkscan/scan.hpp>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace darkscan {

namespace {

constexpr std::size_t k_block_lines = 4096;
constexpr std::size_t k_block_bytes = 1 << 20;

struct Block {
  struct Entry {
    std::uint32_t offset = 0, size = 0;
    std::uint64_t number = 0;
    bool overlong = false;
  };
  std::string text; // the lines, one after another
  std::vector<Entry> entries;
  std::vector<Hit> hits;
  std::vector<Prepared> prepared;
  std::vector<std::uint8_t> results; // Scanner::LineResult per line
  std::vector<ParseError> errors;
  std::string arena;
  std::exception_ptr failure;
  bool done = false;

  void clear() {
    text.clear();
    entries.clear();
    arena.clear();
    failure = nullptr;
    done = false;
  }
  Line line(std::size_t i) const {
    const Entry& e = entries[i];
    return Line{std::string_view(text.data() + e.offset, e.size), e.number, e.overlong};
  }
};

// Worker threads taking blocks from a queue. Stops and joins on destruction,
// so an exception on the calling thread leaves no thread behind.
class Workers {
public:
  using Job = std::function<void(Block&, HitPreparer&)>;

  Workers(std::size_t count, HitSink& sink, Job job) : m_job(std::move(job)) {
    for (std::size_t i = 0; i < count; ++i) {
      m_threads.emplace_back([this, preparer = sink.preparer()]() mutable { run(*preparer); });
    }
  }
  ~Workers() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    m_work.notify_all();
    for (auto& t : m_threads) t.join();
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void push(Block* block) {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_todo.push_back(block);
    }
    m_work.notify_one();
  }

  void wait(Block& block) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_done.wait(lock, [&] { return block.done; });
  }

private:
  void run(HitPreparer& preparer) {
    for (;;) {
      Block* block = nullptr;
      {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_work.wait(lock, [&] { return m_stop || !m_todo.empty(); });
        if (m_stop) return;
        block = m_todo.front();
        m_todo.pop_front();
      }
      try {
        m_job(*block, preparer);
      } catch (...) {
        block->failure = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        block->done = true;
      }
      m_done.notify_all();
    }
  }

  Job m_job;
  std::mutex m_mutex;
  std::condition_variable m_work, m_done;
  std::deque<Block*> m_todo;
  bool m_stop = false;
  std::vector<std::thread> m_threads;
};

} // namespace

void Scanner::scan_parallel(LineReader& reader, const Source& source, const std::vector<LogFormat>& formats,
                            InputStats& input) {
  // Blocks in flight: enough to keep the workers busy while this thread
  // commits, few enough to keep memory bounded (about 3 MB a block).
  const std::size_t max_in_flight = 3 * m_options.threads;
  std::vector<std::unique_ptr<Block>> spare;
  std::deque<std::unique_ptr<Block>> in_flight;

  auto job = [&formats](Block& block, HitPreparer& preparer) {
    const std::size_t n = block.entries.size();
    block.hits.resize(n);
    block.prepared.resize(n);
    block.results.resize(n);
    block.errors.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const LineResult r = parse_line(block.line(i), formats, block.hits[i], block.errors[i]);
      block.results[i] = static_cast<std::uint8_t>(r);
      if (r == LineResult::parsed || r == LineResult::parsed_other) {
        preparer.prepare(block.hits[i], block.prepared[i], block.arena);
      }
    }
  };
  Workers workers(m_options.threads, m_sink, job); // destroyed first: joins before the blocks go

  Line line;
  bool eof = false;
  for (;;) {
    while (!eof && in_flight.size() < max_in_flight) {
      std::unique_ptr<Block> block;
      if (!spare.empty()) {
        block = std::move(spare.back());
        spare.pop_back();
      } else {
        block = std::make_unique<Block>();
        block->text.reserve(k_block_bytes + LineReader::k_default_max_line);
      }
      block->clear();
      while (block->entries.size() < k_block_lines && block->text.size() < k_block_bytes) {
        if (!reader.next(line)) {
          eof = true;
          break;
        }
        block->entries.push_back({static_cast<std::uint32_t>(block->text.size()),
                                  static_cast<std::uint32_t>(line.text.size()), line.number, line.overlong});
        block->text.append(line.text);
      }
      if (block->entries.empty()) {
        spare.push_back(std::move(block));
        break;
      }
      if (m_options.progress) m_options.progress(source, false);
      workers.push(block.get());
      in_flight.push_back(std::move(block));
    }
    if (in_flight.empty()) break;

    Block& block = *in_flight.front();
    workers.wait(block);
    if (block.failure) std::rethrow_exception(block.failure);
    for (std::size_t i = 0; i < block.entries.size(); ++i) {
      if (account(block.line(i), static_cast<LineResult>(block.results[i]), block.errors[i], formats, block.hits[i],
                  input)) {
        m_sink.decide(block.hits[i], block.prepared[i], block.arena);
      }
    }
    spare.push_back(std::move(in_flight.front()));
    in_flight.pop_front();
  }
  if (m_options.progress) m_options.progress(source, true);
}

} // namespace darkscan
