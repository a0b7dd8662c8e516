#pragma once

#include <darkscan/parse/log_format.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace darkscan {

// The median time of the first `lines` lines of the file at `path` (one slow
// request logged late cannot move it) that parse (with `format`, or the preset detected on them), UTC
// seconds; nullopt for standard input ("-"), a file that cannot be opened, or one with no time in its first
// lines (the scan reports those), and for anything but a regular file (a pipe such as <(zcat x.gz) can be
// read once only). Reads and decompresses only the start of the file. `head`, when given, gets the first
// lines read (joined), to tell copies apart.
std::optional<std::int64_t> first_time_of(const std::string& path, const std::optional<LogFormat>& format,
                                          std::size_t lines, std::string* head = nullptr);

// `files` in time order: files whose first time is known are sorted by it
// (oldest first, stable), in the places such files held; the others
// (standard input, unreadable or timeless files) keep their places. Rotated
// files are independent, so a shell glob's order (access.log access.log.1
// access.log.2.gz: newest first) gives the same report as the oldest-first
// order. `moved` is set when the order changed. `copies` gets each pair of files (in the order
// given) whose first lines are the same, one probably a copy of the other: access.log.1 and the
// access.log.1.gz that `gzip -k` left beside it, both matched by access.log* (a review,
// 2026-12-06: every line counted twice, without a word).
std::vector<std::string> order_by_time(const std::vector<std::string>& files,
                                       const std::optional<LogFormat>& format, std::size_t lines, bool& moved,
                                       std::vector<std::pair<std::string, std::string>>* copies = nullptr);

} // namespace darkscan
