#include <gtest/gtest.h>

#include "scenario/calendar.hpp"

namespace rr {
namespace {

TEST(CalendarTest, DayNumbersMatchTheUnixEpoch) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);  // date -d 2000-03-01 +%s / 86400
  EXPECT_EQ(iso_date(days_from_civil(2026, 11, 10)), "2026-11-10");
}

TEST(CalendarTest, ParsesOnlyRealDates) {
  EXPECT_TRUE(parse_iso_date("2024-02-29"));
  EXPECT_FALSE(parse_iso_date("2026-02-29"));
  EXPECT_FALSE(parse_iso_date("2026-13-01"));
  EXPECT_FALSE(parse_iso_date("2026-1-01"));
  EXPECT_FALSE(parse_iso_date("1800-01-01"));
}

// docs/model.md §5: day 0 and every later 1st of a month are month starts.
TEST(CalendarTest, MonthStartsFromMidMonth) {
  const auto m = month_start_days(*parse_iso_date("2026-11-10"), 83);
  ASSERT_EQ(m.size(), 3u);  // 2027-02-01 is day 83, just outside
  EXPECT_EQ(m[0], 0);
  EXPECT_EQ(m[1], 21);  // 2026-12-01
  EXPECT_EQ(m[2], 52);  // 2027-01-01
  EXPECT_EQ(month_start_days(*parse_iso_date("2026-11-10"), 84).back(), 83);
}

TEST(CalendarTest, MonthStartsFromTheFirst) {
  const auto m = month_start_days(*parse_iso_date("2027-01-01"), 59);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], 0);
  EXPECT_EQ(m[1], 31);  // 2027-02-01; day 0 is not counted twice
}

}  // namespace
}  // namespace rr

namespace rr {
namespace {

TEST(CalendarTest, MonthStartsBeforeDayZero) {
  const auto mid = month_starts_before(*parse_iso_date("2026-11-10"), 3);
  EXPECT_EQ(mid, (std::vector<std::int32_t>{-9, -40, -70}));  // Nov 1, Oct 1, Sep 1
  const auto first = month_starts_before(*parse_iso_date("2027-01-01"), 2);
  EXPECT_EQ(first, (std::vector<std::int32_t>{-31, -61}));    // Dec 1, Nov 1
}

}  // namespace
}  // namespace rr
