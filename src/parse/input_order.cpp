#include <darkscan/common/error.hpp>
#include <darkscan/input/lines.hpp>
#include <darkscan/input/source.hpp>
#include <darkscan/parse/input_order.hpp>
#include <darkscan/parse/presets.hpp>

#include <sys/stat.h>

#include <algorithm>

namespace darkscan {

std::optional<std::int64_t> first_time_of(const std::string& path, const std::optional<LogFormat>& format,
                                          std::size_t lines, std::string* head) {
  // A stream can be read once only: standard input, a pipe (<(zcat x.gz)), a device.
  struct stat st {};
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  try {
    const std::unique_ptr<Source> source = Source::open(path);
    LineReader reader(*source);
    std::vector<std::string> sample;
    Line line;
    while (sample.size() < lines && reader.next(line))
      sample.push_back(line.overlong ? std::string() : std::string(line.text));
    if (head) {
      head->clear();
      for (const std::string& text : sample)
        head->append(text).push_back('\n');
    }
    const std::vector<LogFormat> formats =
        format ? std::vector<LogFormat>{*format} : detect_formats(sample, path);
    std::vector<std::int64_t> times;
    Hit hit;
    ParseError error;
    for (const std::string& text : sample) {
      for (const LogFormat& f : formats) {
        if (!text.empty() && f.parse(text, hit, error) && hit.time != Hit::k_no_time) {
          times.push_back(hit.time);
          break;
        }
      }
    }
    if (times.empty()) return std::nullopt;
    // The median, not the earliest: Apache logs a request with the time it came in, so a slow
    // download that ends after the rotation opens the new file with a time older than the old
    // file's last lines (a review, 2026-12-07: the files were read in the wrong order, 40 visits
    // became 80). One outlier among the first lines cannot move the median.
    const auto middle = times.begin() + static_cast<std::ptrdiff_t>((times.size() - 1) / 2);
    std::nth_element(times.begin(), middle, times.end());
    return *middle;
  } catch (const Error&) {
    return std::nullopt; // not openable or of no known format: the scan says so
  }
}

std::vector<std::string> order_by_time(const std::vector<std::string>& files,
                                       const std::optional<LogFormat>& format, std::size_t lines, bool& moved,
                                       std::vector<std::pair<std::string, std::string>>* copies) {
  std::vector<std::size_t> timed; // indices of the files with a known first time
  std::vector<std::int64_t> times(files.size(), 0);
  std::vector<std::string> heads(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (const auto t = first_time_of(files[i], format, lines, &heads[i])) {
      times[i] = *t;
      timed.push_back(i);
      if (!copies) continue;
      for (std::size_t j : timed)
        if (j != i && heads[j] == heads[i]) {
          copies->emplace_back(files[j], files[i]);
          break;
        }
    }
  }
  std::vector<std::size_t> sorted = timed;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](std::size_t a, std::size_t b) { return times[a] < times[b]; });
  std::vector<std::string> out = files;
  for (std::size_t k = 0; k < timed.size(); ++k)
    out[timed[k]] = files[sorted[k]];
  moved = sorted != timed;
  return out;
}

} // namespace darkscan
