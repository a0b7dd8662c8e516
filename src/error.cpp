#include <darkscan/error.hpp>

#include <cstring>

namespace darkscan {

std::string system_message(int errnum) { return std::strerror(errnum); }

} // namespace darkscan
