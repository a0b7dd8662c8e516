#include <darkscan/util/string_table.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using darkscan::util::StringTable;

TEST_CASE("string_table: the same answers as a map, entries in the order added", "[string_table]") {
  StringTable<int> table;
  CHECK(table.find("/a") == table.end());
  CHECK_THROWS_AS(table.at("/a"), std::out_of_range);

  std::map<std::string, int> expected;
  std::vector<std::string> order;
  int* first = &table["/first"]; // references stay valid while the table grows
  *first = 7;
  expected["/first"] = 7;
  order.push_back("/first");
  for (int i = 0; i < 5000; ++i) {
    // Keys that share long prefixes, and each added twice: the second time finds the first.
    const std::string key = "/news/2026/11/" + std::to_string(i * 7919 % 2500);
    if (expected.count(key) == 0) order.push_back(key);
    table[key] += i;
    expected[key] += i;
  }
  CHECK(*first == 7);
  REQUIRE(table.size() == expected.size());
  for (const auto& [key, value] : expected) {
    INFO(key);
    REQUIRE(table.find(key) != table.end());
    CHECK(table.at(key) == value);
  }
  CHECK(table.size() == 2501); // each of the 2,500 keys added twice, and "/first"
  CHECK(table.find("/news/2026/11/2500") == table.end());
  CHECK(table.find("") == table.end());
  std::size_t i = 0;
  for (const auto& [key, value] : table)
    CHECK(key == order[i++]);

  const StringTable<int> copy = table;
  CHECK(copy.size() == table.size());
  CHECK(copy.at("/first") == 7);
}
