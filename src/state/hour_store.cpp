#include <darkscan/state/hour_store.hpp>
#include <darkscan/state/state_sections.hpp>

#include <iterator>
#include <utility>

namespace darkscan {

namespace {

// The name the Reader gives in its error messages: an hour this store packed or checked cannot be
// damaged unless by a bug, which this names.
const std::string k_packed_name = "(packed hour)"; // not for translation: a bug

} // namespace

HourStore::HourStore(const HourStore& other) : m_hours(other.m_hours) {
  for (const std::string_view key : other.m_keys)
    intern(key);
}

HourStore& HourStore::operator=(const HourStore& other) {
  if (this != &other) *this = HourStore(other);
  return *this;
}

std::uint64_t HourStore::intern(std::string_view key) {
  const auto it = m_ids.find(key);
  if (it != m_ids.end()) return it->second;
  const std::string_view text = m_key_text.emplace_back(key);
  m_keys.push_back(text);
  return m_ids.emplace(text, m_keys.size() - 1).first->second;
}

std::string HourStore::pack(const Aggregate& traffic) {
  m_scratch.clear();
  state_file::Writer w(m_scratch);
  state_file::write_aggregate(w, traffic, [this](std::string_view key) { return intern(key); });
  return std::string(m_scratch); // its own size, not the scratch buffer's capacity
}

void HourStore::add(std::int64_t start, const Period& period, const Aggregate& traffic) {
  const auto it = m_hours.find(start);
  if (it == m_hours.end()) {
    m_hours.emplace(start, Hour{period, pack(traffic)});
    return;
  }
  Aggregate merged = unpack(it->second, traffic.keep_params());
  merged.merge(traffic);
  it->second.packed = pack(merged);
}

void HourStore::unpack_into(const Hour& hour, Aggregate& out) const {
  state_file::Reader r(hour.packed, k_packed_name, m_names);
  state_file::read_aggregate(r, out, m_keys);
  if (!r.done()) r.corrupt(N_("bytes left after an hour's counts"));
}

Aggregate HourStore::unpack(const Hour& hour, const std::vector<std::string>& keep_params) const {
  Aggregate out(keep_params);
  unpack_into(hour, out);
  return out;
}

std::size_t HourStore::drop_before(std::int64_t cutoff, const std::vector<std::string>& keep_params) {
  std::size_t dropped = 0;
  for (auto it = m_hours.begin(); it != m_hours.end();) {
    const bool old = it->first != Hit::k_no_time && it->second.period.end <= cutoff;
    it = old ? m_hours.erase(it) : std::next(it);
    dropped += old;
  }
  if (dropped == 0) return 0;
  HourStore kept;
  for (const auto& [start, hour] : m_hours)
    kept.add(start, hour.period, unpack(hour, keep_params));
  *this = std::move(kept);
  return dropped;
}

bool HourStore::load_key(std::string_view key) {
  if (m_ids.count(key)) return false;
  intern(key);
  return true;
}

bool HourStore::load_hour(std::int64_t start, Period period, std::string_view packed) {
  return m_hours.emplace(start, Hour{std::move(period), std::string(packed)}).second;
}

} // namespace darkscan
