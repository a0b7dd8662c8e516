#pragma once

#include <darkscan/util/cidr.hpp>

#include <string>
#include <vector>

namespace darkscan {

// The ranges of --trusted-proxy or --exclude-ip (`option`, named in the error); throws Error naming
// one that is not an address or a range.
std::vector<util::Cidr> address_ranges(const char* option, const std::vector<std::string>& given);

} // namespace darkscan
