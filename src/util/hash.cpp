// xxHash, compiled here only (include/darkscan/util/hash.hpp).
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <darkscan/util/hash.hpp>

namespace darkscan::util {

std::uint64_t hash_bytes(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

} // namespace darkscan::util
