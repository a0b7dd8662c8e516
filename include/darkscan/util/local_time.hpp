#pragma once

#include <cstdint>

namespace darkscan::util {

// Seconds east of UTC of the local time zone (TZ) at the local time `naive` (a civil time's fields
// read as if UTC, as to_epoch gives them with offset 0): what turns a time logged without its offset
// into UTC. Cached per hour and thread (mktime, which takes the time zone's lock, once an hour of
// log). In the hour a clock is set back, the first of its two readings (mktime's choice); 0 when the
// time zone cannot tell.
std::int64_t local_offset_at(std::int64_t naive);

} // namespace darkscan::util
