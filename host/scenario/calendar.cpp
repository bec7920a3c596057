#include "scenario/calendar.hpp"

#include <cstdio>

namespace rr {

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

namespace {
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400) + (m <= 2);
}
}  // namespace

std::optional<std::int64_t> parse_iso_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int y = std::stoi(text.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(text.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(text.substr(8, 2)));
  if (y < 1900 || y > 2300 || m < 1 || m > 12 || d < 1) return std::nullopt;
  const std::int64_t n = days_from_civil(y, m, d);
  int y2;
  unsigned m2, d2;
  civil_from_days(n, y2, m2, d2);
  if (y2 != y || m2 != m || d2 != d) return std::nullopt;  // e.g. 2026-02-30
  return n;
}

std::string iso_date(std::int64_t day_number) {
  int y;
  unsigned m, d;
  civil_from_days(day_number, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::vector<std::int32_t> month_start_days(std::int64_t start_day, std::int32_t horizon_days) {
  std::vector<std::int32_t> out;
  if (horizon_days <= 0) return out;
  out.push_back(0);
  int y;
  unsigned m, d;
  civil_from_days(start_day, y, m, d);
  for (;;) {
    if (++m == 13) {
      m = 1;
      ++y;
    }
    const std::int64_t t = days_from_civil(y, m, 1) - start_day;
    if (t >= horizon_days) break;
    out.push_back(static_cast<std::int32_t>(t));
  }
  return out;
}

std::vector<std::int32_t> month_starts_before(std::int64_t start_day, int count) {
  std::vector<std::int32_t> out;
  int y;
  unsigned m, d;
  civil_from_days(start_day, y, m, d);
  if (d == 1) {  // day 0 is itself the 1st: the previous month's 1st comes first
    if (--m == 0) {
      m = 12;
      --y;
    }
  }
  while (static_cast<int>(out.size()) < count) {
    out.push_back(static_cast<std::int32_t>(days_from_civil(y, m, 1) - start_day));
    if (--m == 0) {
      m = 12;
      --y;
    }
  }
  return out;
}

}  // namespace rr
