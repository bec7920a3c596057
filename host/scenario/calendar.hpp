/// @file calendar.hpp
/// ISO dates as day numbers, and the month starts of a horizon (docs/model.md §5/§6).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rr {

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil; C++17
/// has no calendar types).
std::int64_t days_from_civil(int year, unsigned month, unsigned day);

/// Parses "YYYY-MM-DD" strictly (a real calendar date, year 1900..2300).
std::optional<std::int64_t> parse_iso_date(const std::string& text);

/// ISO text of a day number.
std::string iso_date(std::int64_t day_number);

/// Day indices t in [0, horizon) that are month starts: 0 first, then every 1st of a month.
std::vector<std::int32_t> month_start_days(std::int64_t start_day, std::int32_t horizon_days);

/// Day indices (< 0) of the first days of the @p count months before day 0, most recent
/// first: the 1st of the start month when day 0 is not a 1st, then earlier 1sts.
std::vector<std::int32_t> month_starts_before(std::int64_t start_day, int count);

}  // namespace rr
