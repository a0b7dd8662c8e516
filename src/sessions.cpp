#include <darkscan/sessions.hpp>

#include <functional>

namespace darkscan {

namespace {

std::string_view first_of_list(std::string_view list) {
  std::size_t comma = list.find(',');
  std::string_view first = list.substr(0, comma);
  while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  return first;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

} // namespace

bool is_private_address(std::string_view a) {
  if (starts_with(a, "10.") || starts_with(a, "127.") || starts_with(a, "192.168.") || starts_with(a, "169.254.") ||
      a == "::1" || starts_with(a, "fc") || starts_with(a, "fd") || starts_with(a, "fe80:") || a == "unix:" ||
      a == "localhost") {
    return true;
  }
  if (starts_with(a, "172.")) {
    int second = 0;
    std::size_t i = 4;
    while (i < a.size() && a[i] >= '0' && a[i] <= '9') second = second * 10 + (a[i++] - '0');
    return i < a.size() && a[i] == '.' && second >= 16 && second <= 31;
  }
  return false;
}

std::uint64_t visitor_key(std::string_view client, std::string_view forwarded_for, std::string_view user_agent) {
  std::string_view address = first_of_list(client);
  if (!forwarded_for.empty() && is_private_address(address)) {
    std::string_view forwarded = first_of_list(forwarded_for);
    if (!forwarded.empty()) address = forwarded;
  }
  const std::uint64_t a = std::hash<std::string_view>{}(address);
  const std::uint64_t u = std::hash<std::string_view>{}(user_agent);
  return a ^ (u + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
}

} // namespace darkscan
