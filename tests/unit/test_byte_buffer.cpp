#include <darkscan/util/byte_buffer.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

using darkscan::util::ByteBuffer;

TEST_CASE("byte_buffer: the same bytes as a std::string through every operation and its growth",
          "[byte_buffer]") {
  ByteBuffer buffer, other;
  std::string expected, expected_other;
  CHECK(buffer.empty());
  CHECK(buffer.view().empty());
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  const auto next = [&] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
  };
  std::string text;
  for (int step = 0; step < 20000; ++step) {
    const std::size_t n = next() % 300;
    text.assign(n, '\0');
    for (char& c : text)
      c = static_cast<char>('a' + next() % 26);
    switch (next() % 8) {
    case 0: buffer.append(text), expected += text; break;
    case 1: { // as a read fills it: extend, write part, give back the rest
      const std::size_t old = buffer.size(), used = n == 0 ? 0 : next() % (n + 1);
      char* into = buffer.extend(n);
      CHECK(into == buffer.data() + old);
      std::memcpy(into, text.data(), used);
      buffer.shrink(old + used);
      expected += text.substr(0, used);
      break;
    }
    case 2: buffer.prepend(text), expected.insert(0, text); break;
    case 3: {
      const std::size_t k = expected.empty() ? 0 : next() % (expected.size() + 1);
      buffer.erase_front(k), expected.erase(0, k);
      break;
    }
    case 4: {
      const std::size_t k = expected.empty() ? 0 : next() % (expected.size() + 1);
      buffer.shrink(k), expected.resize(k);
      break;
    }
    case 5: buffer.assign(text), expected = text; break;
    case 6: buffer.swap(other), expected.swap(expected_other); break;
    default:
      if (next() % 16 == 0) buffer.clear(), expected.clear();
    }
    REQUIRE(buffer.size() == expected.size());
    REQUIRE(buffer.view() == expected);
    REQUIRE(other.view() == expected_other);
  }
}

TEST_CASE("byte_buffer: what extend() hands out is kept, and stays where it is until the next growth",
          "[byte_buffer]") {
  ByteBuffer buffer;
  buffer.erase_front(0); // never allocated: nothing to move
  buffer.append("head ");
  char* at = buffer.extend(4);
  std::memcpy(at, "tail", 4);
  CHECK(buffer.view() == "head tail");
  const char* where = buffer.data();
  buffer.shrink(100); // past the end: the size stays
  CHECK(buffer.view() == "head tail");
  buffer.erase_front(5);
  buffer.shrink(2);
  buffer.extend(1)[0] = '!';
  CHECK(buffer.view() == "ta!");
  CHECK(buffer.data() == where); // no growth yet
  buffer.erase_front(100);
  CHECK(buffer.empty());
}

TEST_CASE("byte_buffer: assign takes a view of itself, and a moved-from buffer is empty", "[byte_buffer]") {
  ByteBuffer buffer;
  buffer.append("0123456789");
  buffer.assign(buffer.view().substr(3)); // overlapping
  CHECK(buffer.view() == "3456789");
  buffer.assign(buffer.view().substr(0, 2));
  CHECK(buffer.view() == "34");
  ByteBuffer moved(std::move(buffer));
  CHECK(moved.view() == "34");
  CHECK(buffer.empty());         // NOLINT(bugprone-use-after-move): what a move leaves is the point
  buffer.append("still usable"); // NOLINT(bugprone-use-after-move)
  CHECK(buffer.view() == "still usable");
  moved = std::move(buffer);
  CHECK(moved.view() == "still usable");
  CHECK(buffer.empty()); // NOLINT(bugprone-use-after-move)
}
