#pragma once

#include <darkscan/input/source.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// What an earlier run read of one input. An input is recognised by its
// content, not its name: a hash of its first decoded bytes. So access.log
// is still known once rotated to access.log.1 and compressed to
// access.log.2.gz, and a new access.log is a new input.
struct LedgerEntry {
  std::uint64_t fingerprint = 0; // hash of the first fingerprint_size decoded bytes
  std::uint32_t fingerprint_size = 0;
  std::uint64_t offset = 0; // decoded bytes read: whole lines only
  std::uint64_t lines = 0;  // lines read
  Codec codec = Codec::plain;
  std::uint64_t stored_size = 0; // size of the file as stored, when it was read
  bool complete = false;         // a compressed file read to its end (it cannot grow)
  std::string name;              // the name it had when last read, for messages
  std::int64_t last_seen = 0;    // wall-clock time of the last run that saw it
};

// Where reading an input starts: after what the ledger says was read.
struct Resume {
  std::unique_ptr<Source> source; // positioned at `offset`; ends at the last complete line
  std::uint64_t offset = 0;       // decoded bytes skipped
  std::uint64_t lines = 0;        // lines skipped
  bool whole = false;             // nothing new: a compressed file read to its end before
  bool known = false;             // an entry matched
  std::string head;               // the first decoded bytes, for the fingerprint
  std::string previous_name;      // the name it had when last read, if known
};

// The inputs read by earlier runs of a state (--state).
class Ledger {
public:
  static constexpr std::size_t k_fingerprint_bytes = 4096;
  static constexpr std::size_t k_max_entries = 10000;
  static constexpr std::int64_t k_forget_after = 400 * 24 * 3600; // seconds unseen

  // Reads the first bytes of `source`, finds its entry and returns it
  // positioned after what was read before (decoding and dropping the bytes
  // of a compressed one, seeking in a plain file). Whole lines only: a plain
  // file's unfinished last line is left for the next run.
  Resume resume(std::unique_ptr<Source> source) const;

  // Records that `resume`'s input has now been read to decoded offset
  // `offset` (`lines` lines in all). `complete`: read to its end without error.
  void record(const Resume& resume, Codec codec, std::uint64_t stored_size, std::uint64_t offset,
              std::uint64_t lines, bool complete, const std::string& name, std::int64_t now);

  // Drops entries unseen for k_forget_after, and the oldest beyond k_max_entries.
  void prune(std::int64_t now);
  // Takes in the entries of another ledger (another shard's inputs).
  void merge(const Ledger& other);

  const std::vector<LedgerEntry>& entries() const { return m_entries; }
  void add(LedgerEntry entry) { m_entries.push_back(std::move(entry)); }

private:
  // Index of the entry for an input starting with `head`, or -1.
  std::ptrdiff_t find(std::string_view head) const;

  std::vector<LedgerEntry> m_entries;
};

} // namespace darkscan
