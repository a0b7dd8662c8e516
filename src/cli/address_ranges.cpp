#include <darkscan/cli/address_ranges.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/common/i18n.hpp>

namespace darkscan {

std::vector<util::Cidr> address_ranges(const char* option, const std::vector<std::string>& given) {
  std::vector<util::Cidr> ranges;
  for (const std::string& text : given) {
    const auto range = util::parse_cidr(text);
    if (!range)
      throw Error(message(N_("{}: '{}' is not an address or a range (such as 10.0.0.0/8, "
                             "203.0.113.7 or 2001:db8::/32)"),
                          option, text));
    ranges.push_back(*range);
  }
  return ranges;
}

} // namespace darkscan
