#include <darkscan/util/hash.hpp>
#include <darkscan/visits/decision.hpp>
#include <darkscan/visits/preview_memory.hpp>

namespace darkscan {

std::uint32_t arrival_signature(std::string_view path, std::string_view query, std::string_view referer) {
  std::uint64_t h = util::hash_bytes(path);
  h = h * 0x9E3779B97F4A7C15ULL ^ util::hash_bytes(query);
  h = h * 0x9E3779B97F4A7C15ULL ^ util::hash_bytes(referer);
  const auto s = static_cast<std::uint32_t>(h ^ (h >> 32));
  return s == 0 ? 1 : s;
}

std::uint32_t page_signature(std::string_view path) {
  const std::uint64_t h = util::hash_bytes(path);
  const auto s = static_cast<std::uint32_t>(h ^ (h >> 32));
  return s == 0 ? 1 : s;
}

bool machine_view(const Sessions::Visitor& visitor, std::int64_t time, std::uint32_t page) {
  if (!visitor.seen || !visitor.timed || !visitor.last_bare) return false;
  const std::int64_t gap = time - visitor.last_page_view;
  return gap >= -k_machine_seconds && gap <= k_machine_seconds &&
         (visitor.machine || page != visitor.last_page);
}

bool record_machine_view(Sessions::Visitor& visitor, std::int64_t time, std::uint32_t page) {
  const bool first = !visitor.machine;
  visitor.machine = visitor.seen = visitor.timed = true;
  visitor.last_page_view = time;
  visitor.last_page = page;
  return first;
}

bool unlinked_view(const Sessions::Visitor& visitor, std::uint32_t page, bool site_links, bool messenger) {
  if (page == visitor.last_page) return false;
  return visitor.linked || (site_links && messenger);
}

bool continues_visit(const Sessions::Visitor& visitor, std::int64_t time, std::uint32_t signature,
                     bool forced) {
  if (!Sessions::continues(visitor, time)) return false;
  return !forced || visitor.arrival == signature;
}

Evidence deep_evidence(const Rule* preview, bool returning, std::int64_t since) {
  if (preview) {
    const Evidence evidence = after_preview_evidence(*preview);
    return evidence == Evidence::direct_deep_after_preview && since > PreviewMemory::k_soon
               ? Evidence::direct_deep_after_preview_late
               : evidence;
  }
  return returning ? Evidence::direct_deep_returning : Evidence::direct_deep_new;
}

} // namespace darkscan
