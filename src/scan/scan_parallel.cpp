// Scanner::scan_parallel: the hot work (parsing a line, matching its rules) runs
// on worker threads and on the calling thread while it waits, a block of lines at a
// time; the order-dependent work (counting, visits, previews, channels) runs on the
// calling thread, block by block in input order. Results are the same for any thread
// count.
#include <darkscan/parse/w3c_format.hpp>
#include <darkscan/scan/scan.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace darkscan {

namespace {

// A run of whole lines of the input, as read: the calling thread only reads,
// the worker splits it into lines, parses and prepares them.
struct Block {
  struct Entry {
    std::uint32_t offset = 0, size = 0;
    bool overlong = false;
  };
  util::ByteBuffer text;     // raw bytes: whole lines (the last one may lack its newline at the end of input)
  bool one_overlong = false; // the block is the capped start of a single line longer than the cap
  std::vector<Entry> entries;
  // Hits (and their preparation) of the lines that parsed, errors of those that did not, and per
  // line its result and its index in one of these. A line that is neither (empty, not a record)
  // holds none: a block of 512 KiB of blank lines held 512 Ki hits of 520 bytes with their
  // preparation, and four blocks in flight 1.2 GB (a robustness review, 2026-12-06). A preset's hit
  // needs a line of 40 bytes or more, so a block holds at most about 13,000; a format of the user's
  // that reads a line of a few bytes ('"%r"' on '"-"') still holds one a line (a second review:
  // 5,000,000 such lines, 304 MB with two threads, 21 MB with one).
  std::vector<Hit> hits;
  std::vector<Prepared> prepared;
  std::vector<ParseError> errors;
  std::vector<std::uint8_t> results; // Scanner::LineResult per line
  std::vector<std::uint32_t> slots;  // per line: its index in hits and prepared, or in errors
  std::string arena;
  std::vector<char> room; // values rewritten by JSON and W3C parsers (util::Scratch)
  // The formats its lines are read with: a W3C "#Fields" directive changes them for the blocks
  // after it (the block that holds it ends with it).
  std::shared_ptr<const std::vector<LogFormat>> formats;
  std::exception_ptr failure;
  bool done = false;

  void clear() {
    text.clear();
    one_overlong = false;
    entries.clear();
    arena.clear();
    failure = nullptr;
    done = false;
  }

  // Splits `text` into lines as LineReader does, with the same find_newline and cut_line: "\n" or
  // "\r\n" ends a line, a line longer than `max_line` is kept capped and flagged.
  void split(std::size_t max_line) {
    if (one_overlong) {
      entries.push_back({0, static_cast<std::uint32_t>(text.size()), true});
      return;
    }
    const char* data = text.data();
    std::size_t pos = 0;
    while (pos < text.size()) {
      const char* nl = find_newline(data + pos, text.size() - pos);
      const std::size_t end = nl ? static_cast<std::size_t>(nl - data) : text.size();
      const LineCut cut = cut_line(data + pos, end - pos, max_line);
      entries.push_back(
          {static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(cut.size), cut.overlong});
      pos = end + 1;
    }
  }

  Line line(std::size_t i, std::uint64_t first_number) const {
    const Entry& e = entries[i];
    return Line{std::string_view(text.data() + e.offset, e.size), first_number + i, e.overlong};
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
    for (auto& t : m_threads)
      t.join();
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

  // True when `block` is done, waiting for it if no block is queued. Otherwise the calling thread
  // does one queued block itself, with `preparer`, and returns false (the caller reads more input,
  // so that the workers have blocks, and asks again): with --threads N it is the N-th thread that
  // parses, rather than a thread that mostly sleeps while N workers compete with it for N cores.
  bool done_or_help(Block& block, HitPreparer& preparer) {
    Block* other = nullptr;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      if (block.done) return true;
      if (m_todo.empty()) {
        m_done.wait(lock, [&] { return block.done; });
        return true;
      }
      other = m_todo.front();
      m_todo.pop_front();
    }
    work(*other, preparer);
    return false;
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
      work(*block, preparer);
    }
  }

  void work(Block& block, HitPreparer& preparer) {
    try {
      m_job(block, preparer);
    } catch (...) {
      block.failure = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      block.done = true;
    }
    m_done.notify_all();
  }

  Job m_job;
  std::mutex m_mutex;
  std::condition_variable m_work, m_done;
  std::deque<Block*> m_todo;
  bool m_stop = false;
  std::vector<std::thread> m_threads;
};

// A W3C block holding a "#Fields" directive ends with it: the rest goes back in front of `carry`, and
// the formats compiled from it are those of the blocks after it. A directive that names no request
// field is left to the parser (a line that is not a record) and changes nothing: the search goes on
// after it, as the serial scan reads on and takes the next directive.
std::shared_ptr<const std::vector<LogFormat>>
cut_at_fields(Block& block, util::ByteBuffer& carry, std::shared_ptr<const std::vector<LogFormat>> current) {
  const std::string_view text = block.text.view();
  if (block.one_overlong) return current;
  // The directives are found as the parser finds them (W3cFormat::is_fields_directive, any case).
  for (std::size_t at = 0; at < text.size();) {
    if (text[at] == '#' && W3cFormat::is_fields_directive(text.substr(at))) {
      std::size_t end = text.find('\n', at);
      end = end == std::string_view::npos ? text.size() : end + 1;
      std::string_view line(text.data() + at, end - at);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
      try {
        auto next = std::make_shared<std::vector<LogFormat>>(*current);
        next->front() = current->front().w3c_after(line);
        carry.prepend(text.substr(end));
        block.text.shrink(end);
        return next;
      } catch (const Error&) {
        // Names no request field: look on.
      }
    }
    const std::size_t next = text.find("\n#", at);
    if (next == std::string_view::npos) break;
    at = next + 1;
  }
  return current;
}

} // namespace

// One input's parallel scan: this thread reads blocks of whole lines and queues them (fill,
// queue_blocks), the workers and this thread parse and prepare them (parse_block), and this thread
// commits them, one after another in input order (commit).
class Scanner::ParallelScan {
public:
  ParallelScan(Scanner& scanner, LineReader& reader, const Source& source, std::vector<LogFormat>& formats,
               InputStats& input)
      : m_scanner(scanner), m_reader(reader), m_source(source), m_formats(formats), m_input(input),
        m_max_line(scanner.m_options.max_line),
        m_block_bytes(std::max<std::size_t>(scanner.m_options.block_bytes, 64)),
        m_max_in_flight(2 * scanner.m_options.threads),
        m_current(std::make_shared<const std::vector<LogFormat>>(formats)),
        m_w3c(formats.front().syntax() == LogFormat::Syntax::w3c), m_next_line(reader.lines() + 1),
        m_own_preparer(scanner.m_sink.preparer()),
        m_workers(scanner.m_options.threads - 1, scanner.m_sink,
                  [max_line = m_max_line](Block& block, HitPreparer& preparer) {
                    parse_block(block, preparer, max_line);
                  }) {}

  void run() {
    for (;;) {
      queue_blocks();
      if (m_in_flight.empty()) break;
      Block& block = *m_in_flight.front();
      if (!m_workers.done_or_help(block, *m_own_preparer)) continue;
      if (block.failure) std::rethrow_exception(block.failure);
      commit(block);
      m_spare.push_back(std::move(m_in_flight.front()));
      m_in_flight.pop_front();
    }
    if (m_scanner.m_options.progress) m_scanner.m_options.progress(m_source, true);
  }

private:
  // The workers' job (and this thread's while it waits): the block's lines split, parsed and prepared.
  static void parse_block(Block& block, HitPreparer& preparer, std::size_t max_line);
  // Fills `block` with whole lines; false when the input is exhausted.
  bool fill(Block& block);
  // Reads blocks and queues them for the workers, up to m_max_in_flight.
  void queue_blocks();
  // Counts `block`'s lines and hands its hits to the sink, in input order.
  void commit(Block& block);

  Scanner& m_scanner;
  LineReader& m_reader;
  const Source& m_source;
  std::vector<LogFormat>& m_formats; // those of the last block committed, for the messages after the scan
  InputStats& m_input;
  const std::size_t m_max_line;
  const std::size_t m_block_bytes;
  // Blocks in flight: enough to keep the workers busy while this thread
  // commits, few enough to keep memory bounded (about 3 MB a block). Two a thread ran as fast as
  // three on 2 cores (hyperfine, 300 MB of bench/gen-log) and saved 7 MB of peak RSS.
  const std::size_t m_max_in_flight;
  std::vector<std::unique_ptr<Block>> m_spare;
  std::deque<std::unique_ptr<Block>> m_in_flight;
  // The formats of the blocks read next; a "#Fields" directive replaces them (W3C logs only).
  std::shared_ptr<const std::vector<LogFormat>> m_current;
  const bool m_w3c;
  util::ByteBuffer m_carry;  // bytes after the last newline of the previous read
  bool m_eof = false;        // the reader has nothing more
  bool m_skipping = false;   // inside the rest of an overlong line
  bool m_exhausted = false;  // fill() has nothing more to give
  std::uint64_t m_next_line; // the number of the first line of the next block committed
  Hit m_no_hit;              // what commit() hands account() for a line that did not parse
  static inline const ParseError k_no_error{};
  // The calling thread parses too (Workers::done_or_help), so N threads in all. Measured on 1 GB of
  // bench/gen-log with 2 cores: with 2 workers besides it, 3 threads on 2 cores, each thread was
  // busy about half of the time, waiting for the others' hand-overs.
  const std::unique_ptr<HitPreparer> m_own_preparer;
  Workers m_workers; // last, so destroyed first: joins before the blocks go
};

void Scanner::ParallelScan::parse_block(Block& block, HitPreparer& preparer, std::size_t max_line) {
  block.split(max_line);
  const std::size_t n = block.entries.size();
  block.results.resize(n);
  block.slots.resize(n);
  const std::vector<LogFormat>& block_formats = *block.formats;
  util::Scratch scratch;
  // A JSON or W3C format rewrites escaped or encoded values, the first format or another of a mixed
  // file (Scanner::parse_line gives them all this room: a block's hits live until it is decided).
  const bool rewrites = std::any_of(block_formats.begin(), block_formats.end(), [](const LogFormat& f) {
    return f.syntax() != LogFormat::Syntax::text;
  });
  if (rewrites) {
    // Rewritten values are never longer than as logged: room for the block's text is enough.
    if (block.room.size() < block.text.size()) block.room.resize(block.text.size());
    scratch = util::Scratch(block.room.data(), block.room.size());
  }
  std::uint32_t parsed = 0, failed = 0;
  ParseError error;
  for (std::size_t i = 0; i < n; ++i) {
    if (parsed == block.hits.size()) { // the next hit's room, kept for the blocks after
      block.hits.emplace_back();
      block.prepared.emplace_back();
    }
    error = {};
    const LineResult r = parse_line(block.line(i, 0), block_formats, block.hits[parsed], error, &scratch);
    block.results[i] = static_cast<std::uint8_t>(r);
    if (r == LineResult::parsed || r == LineResult::parsed_other) {
      preparer.prepare(block.hits[parsed], block.prepared[parsed], block.arena);
      block.slots[i] = parsed++;
    } else if (r == LineResult::malformed) {
      if (failed == block.errors.size()) block.errors.emplace_back();
      block.errors[failed] = error;
      block.slots[i] = failed++;
    }
  }
}

bool Scanner::ParallelScan::fill(Block& block) {
  block.text.swap(m_carry);
  m_carry.clear();
  // The bytes before `searched` hold no newline: a line longer than a block is searched once, not
  // again at each block read (a review, 2026-12-07: a 50 MB line took 7.4 s with two threads,
  // 0.5 s with one, under --max-line-length 64M).
  std::size_t searched = 0;
  for (;;) {
    if (m_skipping) {
      searched = 0;
      // Drop the rest of an overlong line, up to and including its newline.
      const std::size_t nl = block.text.view().find('\n');
      if (nl == std::string_view::npos) {
        block.text.clear();
        if (!m_reader.read_raw(block.text, m_block_bytes)) {
          m_eof = true;
          return false;
        }
        continue;
      }
      block.text.erase_front(nl + 1);
      m_skipping = false;
    }
    while (!m_eof && block.text.size() < m_block_bytes) {
      if (!m_reader.read_raw(block.text, m_block_bytes - block.text.size())) m_eof = true;
    }
    const std::size_t found = block.text.view().substr(searched).rfind('\n');
    const std::size_t last_nl = found == std::string_view::npos ? found : searched + found;
    if (last_nl != std::string_view::npos) {
      m_carry.assign(block.text.view().substr(last_nl + 1));
      block.text.shrink(last_nl + 1);
      return true;
    }
    if (m_eof) return !block.text.empty(); // a last line without newline
    // No newline in a whole block: a line longer than the block.
    if (past_cap(block.text.size(), m_max_line)) {
      block.text.shrink(m_max_line);
      block.one_overlong = true;
      m_skipping = true;
      return true;
    }
    const std::size_t have = block.text.size();
    searched = have;
    if (!m_reader.read_raw(block.text, m_block_bytes)) m_eof = true;
    if (block.text.size() == have && m_eof) return !block.text.empty();
  }
}

void Scanner::ParallelScan::queue_blocks() {
  while (!m_exhausted && m_in_flight.size() < m_max_in_flight) {
    std::unique_ptr<Block> block;
    if (!m_spare.empty()) {
      block = std::move(m_spare.back());
      m_spare.pop_back();
    } else {
      block = std::make_unique<Block>();
    }
    block->clear();
    if (!fill(*block)) {
      m_exhausted = true;
      m_spare.push_back(std::move(block));
      break;
    }
    block->formats = m_current;
    if (m_w3c) m_current = cut_at_fields(*block, m_carry, m_current);
    if (m_scanner.m_options.progress) m_scanner.m_options.progress(m_source, false);
    m_workers.push(block.get());
    m_in_flight.push_back(std::move(block));
  }
}

void Scanner::ParallelScan::commit(Block& block) {
  Scanner& scanner = m_scanner; // locals: the loop calls out of this file, which would reload members
  InputStats& input = m_input;
  const bool w3c_block = block.formats->front().syntax() == LogFormat::Syntax::w3c;
  // Deciding a page view waits on two tables of megabytes (sessions, the returning filter): the
  // hit k_ahead lines on starts loading its slots while this one is decided.
  constexpr std::size_t k_ahead = 8;
  const std::size_t n = block.entries.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + k_ahead < n && block.results[i + k_ahead] <= static_cast<std::uint8_t>(LineResult::parsed_other))
      scanner.m_sink.prefetch(block.prepared[block.slots[i + k_ahead]]);
    const Line line = block.line(i, m_next_line);
    const auto result = static_cast<LineResult>(block.results[i]);
    if (w3c_block && result == LineResult::not_record && W3cFormat::is_fields_directive(line.text)) {
      scanner.fields_directive(line, block.formats->front(),
                               input); // counted; cut_at_fields gave its format to the blocks after it
      continue;
    }
    const bool has_hit = result == LineResult::parsed || result == LineResult::parsed_other;
    const ParseError& error = result == LineResult::malformed ? block.errors[block.slots[i]] : k_no_error;
    Hit& hit = has_hit ? block.hits[block.slots[i]] : m_no_hit; // account() reads a hit of a parsed line only
    if (scanner.account(line, result, error, *block.formats, hit, input)) {
      scanner.m_sink.decide(hit, block.prepared[block.slots[i]], block.arena);
    }
  }
  m_next_line += block.entries.size();
  if (block.formats->front().name() != m_formats.front().name() ||
      block.formats->front().spec() != m_formats.front().spec())
    m_formats = *block.formats; // for the messages after the scan
}

void Scanner::scan_parallel(LineReader& reader, const Source& source, std::vector<LogFormat>& formats,
                            InputStats& input) {
  ParallelScan(*this, reader, source, formats, input).run();
}

} // namespace darkscan
