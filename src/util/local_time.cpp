// The local time zone's offset, for times logged without one (Apache's %{...}t without %z).
#include <darkscan/util/local_time.hpp>

#include <ctime>
#include <limits>

namespace darkscan::util {

std::int64_t local_offset_at(std::int64_t naive) {
  struct Cache {
    std::int64_t hour = std::numeric_limits<std::int64_t>::min();
    std::int64_t offset = 0;
  };
  thread_local Cache cache;
  const std::int64_t hour = naive >= 0 ? naive / 3600 : (naive - 3599) / 3600;
  if (hour == cache.hour) return cache.offset;
  const auto t = static_cast<std::time_t>(hour * 3600);
  std::tm fields{};
  if (::gmtime_r(&t, &fields) == nullptr) return 0;
  fields.tm_isdst = -1;
  const std::time_t local = std::mktime(&fields);
  cache.hour = hour;
  cache.offset = local == static_cast<std::time_t>(-1) ? 0 : hour * 3600 - static_cast<std::int64_t>(local);
  return cache.offset;
}

} // namespace darkscan::util
