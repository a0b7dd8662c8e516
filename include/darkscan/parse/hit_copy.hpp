#pragma once

#include <darkscan/parse/hit.hpp>

#include <string>

namespace darkscan {

// Copies the text that `hit` views into `text` (reused: it allocates only to grow) and points the
// views there, so that the hit outlives its line buffer (a hit held back before it is decided or
// handed on).
void own_hit_text(Hit& hit, std::string& text);

} // namespace darkscan
