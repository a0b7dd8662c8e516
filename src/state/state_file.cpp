// The state file: a magic line, a format version, the payload size, the payload (its sections:
// state_sections.hpp) and its XXH3 checksum.
#include <darkscan/common/error.hpp>
#include <darkscan/state/state.hpp>
#include <darkscan/state/state_bytes.hpp>
#include <darkscan/state/state_sections.hpp>
#include <darkscan/util/atomic_file.hpp>
#include <darkscan/util/hash.hpp>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace darkscan {

namespace {

using state_file::Reader;
using state_file::Writer;

// "darkscan state" and a byte that text tools and `file` show as binary.
constexpr std::string_view k_magic{"DARKSCAN-STATE\n\x1a", 16}; // not for translation
// Bump on any change of the payload layout; older files are then refused.
// 3: counts per evidence, no weights (issue 13); 4: visitors who left the session table in a
// filter of fixed size (issue 15); 5: the count of lines that are not requests, at the end
// (issue 16); 6: the last hit time not in the future, at the end (a line dated years ahead made
// every later run skip its lines); 7: a visitor's visit "linked" (it had an internal referrer) and
// an arrival "bare" (no referrer, no tag), flag bits of bytes that were 0 or 1 (a page view without
// referrer in a linked visit starts a visit); 8: the count of page views with an internal referrer,
// after the visitors (Sessions::site_links), and for each pending arrival the count its shard had seen
// and whether it was in a messenger's browser, in its flag byte; 9: ten kinds of evidence, arrivals
// more than an hour after a private preview apart (direct_deep_after_preview_late); 10: a visitor's
// last page view "bare" and "machine" (machine_view()), flag bits, and the mail arrivals of the last
// hour and ten minutes by page (MailBursts), at the end. Versions 3 to 9 are still read
// (state_traffic_sections.cpp, evidence_kinds); they hold neither.
constexpr std::uint32_t k_version = 10;
constexpr std::uint32_t k_oldest_read = 3;
constexpr std::size_t k_header_size = k_magic.size() + 4 + 8;

// The payload of a state file and the version it was written with.
struct Framed {
  std::string_view payload;
  std::uint32_t version;
};

// Checks the magic line, version, size and checksum of `bytes`; throws Error naming the file when
// one of them is wrong.
Framed unframe(std::string_view bytes, const std::string& name, NamePool& names) {
  auto refuse = [&](Message why) { throw Error(std::move(why), ExitCode::input_failed); };
  if (bytes.substr(0, k_magic.size()) != k_magic)
    refuse(message(N_("state '{}' is not a darkscan state file; it was left as it is"), name));
  const Message truncated = message(N_("state '{}' is truncated; it was left as it is"), name);
  if (bytes.size() < k_header_size + 8) refuse(truncated);
  Reader header(bytes.substr(k_magic.size(), 12), name, names);
  const auto version = static_cast<std::uint32_t>(header.fixed(4));
  const std::uint64_t size = header.fixed(8);
  if (version > k_version) {
    // Written by a newer darkscan (a fleet upgraded in turn, a package rolled back): rebuilding it
    // would lose the history of logs already rotated away (a review, 2026-12-07).
    refuse(message(N_("state '{}' has format version {}, written by a newer darkscan than this one (which "
                      "reads versions {} to {}); run the newer darkscan on it; it was left as it is"),
                   name, version, k_oldest_read, k_version));
  }
  if (version < k_oldest_read) {
    refuse(
        message(N_("state '{}' has format version {}, and this darkscan reads versions {} to {}; rebuild it "
                   "from the logs (run again without the state); it was left as it is"),
                name, version, k_oldest_read, k_version));
  }
  if (size != bytes.size() - k_header_size - 8) {
    refuse(size > bytes.size() - k_header_size - 8
               ? truncated
               : message(N_("state '{}' has bytes past its end; it was left as it is"), name));
  }
  const std::string_view payload = bytes.substr(k_header_size, size);
  Reader sum(bytes.substr(k_header_size + size), name, names);
  if (sum.hash() != state_checksum(version, payload))
    refuse(message(N_("state '{}' is damaged (its checksum does not match); it was left as it is"), name));
  return {payload, version};
}

std::string read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(message(N_("cannot open state '{}': {}"), path, system_message(errno)),
                ExitCode::input_failed);
  }
  // A device is no state: /dev/zero was read until memory ran out (a review, 2026-12-07).
  struct stat st {};
  if (::fstat(fd, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
    ::close(fd);
    throw Error(message(N_("'{}' is a device, not a state written by darkscan"), path),
                ExitCode::input_failed);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw Error(message(N_("cannot read state '{}': {}"), path, system_message(err)),
                  ExitCode::input_failed);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    // Not a state from its first bytes (a pipe of something else): read no further, and the
    // decoder says what it is not.
    if (out.size() >= k_magic.size() && out.compare(0, k_magic.size(), k_magic) != 0) break;
  }
  ::close(fd);
  return out;
}

} // namespace

// Since version 7 the checksum holds the version too: version 7 with one bit flipped is 6, which
// reads the same payload (a damaged file that was read).
std::uint64_t state_checksum(std::uint32_t version, std::string_view payload) {
  const std::uint64_t sum = util::hash_bytes(payload);
  return version >= 7 ? sum ^ (0x9E3779B97F4A7C15ULL * version) : sum;
}

std::string encode_state(const State& s) {
  // The payload is written in place after the header, whose size field is filled in after it: a
  // state of months is tens of megabytes, not to be copied.
  std::string out(k_magic);
  Writer header(out);
  header.fixed(k_version, 4);
  header.fixed(0, 8);
  Writer w(out);
  state_file::write_run(w, s);
  state_file::write_ledger(w, s.ledger);
  state_file::write_seen(w, s.sessions.seen());
  state_file::write_visitors(w, s.sessions);
  state_file::write_previews(w, s.previews);
  state_file::write_traffic(w, s.hours, s.keep_params);
  w.u64(s.counters.not_records);
  w.i64(s.counters.last_past_time);
  state_file::write_mail(w, s.mail);

  std::string size;
  Writer(size).fixed(out.size() - k_header_size, 8);
  out.replace(k_magic.size() + 4, size.size(), size);
  const std::uint64_t sum = state_checksum(k_version, std::string_view(out).substr(k_header_size));
  header.hash(sum);
  return out;
}

State decode_state(std::string_view bytes, const std::string& name, const Rules& rules, NamePool& names) {
  const Framed file = unframe(bytes, name, names);
  // The checksum matched: what follows fails only on a bug or a forged file.
  Reader r(file.payload, name, names);
  State s;
  s.checksum = util::hash_bytes(file.payload);
  s.file_format = file.version;
  state_file::read_run(r, s);
  state_file::read_ledger(r, s.ledger);
  if (file.version >= 4) state_file::read_seen(r, s.sessions.seen());
  state_file::read_visitors(r, s.sessions, file.version);
  state_file::read_previews(r, s.previews, rules);
  state_file::read_traffic(r, s, file.version);
  if (file.version >= 5) s.counters.not_records = r.u64();
  s.counters.last_past_time = file.version >= 6 ? r.i64() : s.counters.last_time;
  if (file.version >= 10) state_file::read_mail(r, s.mail);
  if (!r.done()) r.corrupt(N_("bytes left after the last section"));
  // An older format's file and its rewrite in this one hold the same shard: the checksum that tells
  // them apart in a merge is of the payload this format writes (a review: a format 8 state merged
  // with its own rewrite was counted twice).
  if (file.version < k_version) {
    const std::string now = encode_state(s); // the header, the payload, its 8-byte checksum
    s.checksum =
        util::hash_bytes(std::string_view(now).substr(k_header_size, now.size() - k_header_size - 8));
  }
  return s;
}

std::vector<Message> older_format_notes(const State& state, const std::string& path) {
  std::vector<Message> notes;
  if (state.file_format == 0 || state.file_format == k_version) return notes;
  // Format 9 split the arrivals after a preview (state_traffic_sections.cpp, evidence_kinds).
  if (state_file::evidence_kinds(state.file_format) != k_evidence_count) {
    notes.push_back(
        message(N_("state '{}' is in format {}, from an older darkscan: the arrivals it has counted "
                   "from more than an hour after a preview count as direct_deep_after_preview, not "
                   "direct_deep_after_preview_late; written again, it is in format {}, which older "
                   "darkscan cannot read"),
                path, state.file_format, k_version));
  }
  // Format 10 tells a visitor's last page by its page key, older ones by its path: on a site whose
  // page keys keep parameters, a visit still open that goes on across the seam is compared with the
  // wrong page (reviews: /?p=2 re-entered after /?p=2 became an arrival; / typed after /?p=2 did not).
  const auto& keys = state.hours.keys();
  if (state.sessions.size() > 0 &&
      std::any_of(keys.begin(), keys.end(), [](std::string_view k) { return k.find('?') != k.npos; })) {
    notes.push_back(
        message(N_("state '{}' is in format {}, from an older darkscan, which told a visitor's last "
                   "page by its path alone: a visit still open in it that goes on from a page with "
                   "kept parameters (/?p=2) may count one arrival more or one fewer"),
                path, state.file_format));
  }
  return notes;
}

State load_state(const std::string& path, const Rules& rules, NamePool& names) {
  return decode_state(read_whole_file(path), path, rules, names);
}

StateTarget state_target(const std::string& path) {
  // Only a regular file is read: a pipe (`--state-out >(ssh host 'cat > s')`) would wait for
  // itself (a review, 2026-12-06).
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return StateTarget::replaceable;
  std::ifstream in(path, std::ios::binary);
  if (!in) return StateTarget::replaceable; // missing (or unreadable: the write will say)
  std::string head(k_magic.size() + 4, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.empty()) return StateTarget::replaceable;
  if (head.compare(0, k_magic.size(), k_magic) != 0) return StateTarget::other_file;
  if (head.size() < k_magic.size() + 4) return StateTarget::replaceable; // a state cut in its header
  std::uint32_t version = 0;
  for (std::size_t i = k_magic.size(); i < head.size(); ++i) // little-endian, as Writer::fixed writes it
    version |= static_cast<std::uint32_t>(static_cast<unsigned char>(head[i])) << (8 * (i - k_magic.size()));
  return version > k_version ? StateTarget::newer_state : StateTarget::replaceable;
}

void save_state(const State& state, const std::string& path) {
  util::write_file_atomically(path, encode_state(state));
}

} // namespace darkscan
