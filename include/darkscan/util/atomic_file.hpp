#pragma once

#include <string>
#include <string_view>

namespace darkscan::util {

// Writes `content` to `path` atomically: a temporary file in the same
// directory, fsync, then rename over `path`. Readers see the old file or the
// new one, never half of it. Throws Error(ExitCode::cannot_write) naming the
// path; the temporary file is removed on failure.
void write_file_atomically(const std::string& path, std::string_view content);

} // namespace darkscan::util
