// The transit calendar (kernels/reerisk/transit_calendar.hpp, docs/model.md §6): batches reach
// their pools on their day in the order they were scheduled, tranches leave China one after
// the other, goods held at customs never leave, and a full calendar overflows without writing.
#include <memory>

#include <gtest/gtest.h>

#include "reerisk/transit_calendar.hpp"

namespace rr {
namespace {

constexpr int kW = 2;  // two lanes: each keeps its own batches
using State = PathState<kW, FullCapacity>;

struct Calendar {
  std::unique_ptr<ModelSpec> spec = std::make_unique<ModelSpec>();
  std::unique_ptr<State> st = std::make_unique<State>();

  explicit Calendar(int shipments = 1) {
    spec->horizon_days = 2000;
    spec->n_materials = 1;
    spec->shipping_days[0] = 10;
    spec->shipments_per_month[0] = shipments;
    spec->n_regimes = 2;
    spec->regimes[0].licensing = false;
    spec->regimes[1].licensing = true;
    clear_transit_calendar(*st);
    for (int l = 0; l < kW; ++l) {
      st->regime[l] = 1;
      for (int b = 0; b < kBuckets; ++b) st->pool[b][0][l] = 0.0;
      st->month_supply[0][l] = st->shipped[0][l] = st->china_on_order[0][l] = 0.0;
    }
  }
  void receive(std::int32_t t) { receive_arrivals(*spec, t, *st); }
};

TEST(TransitCalendarTest, BatchesArriveOnTheirDayInTheOrderScheduledAndLaterLapsWait) {
  Calendar c;
  State& st = *c.st;
  const int lap = State::kSlots;  // a day one lap later shares the slot
  st.china_on_order[0][0] = 1.5;
  enqueue_batch(*c.spec, st, 0, 5, 0, kChinaLegal, 1.0);
  enqueue_batch(*c.spec, st, 1, 5, 0, kSmuggled, 2.0);
  enqueue_batch(*c.spec, st, 0, 5 + lap, 0, kChinaLegal, 4.0);
  enqueue_batch(*c.spec, st, 0, 5, 0, kChinaLegal, 0.5);
  enqueue_batch(*c.spec, st, 0, c.spec->horizon_days, 0, kChinaLegal, 8.0);  // past the horizon
  enqueue_batch(*c.spec, st, 1, 6, 0, kSmuggled, 0.0);                       // nothing to carry
  EXPECT_EQ(st.n_transit[0], 3);
  EXPECT_EQ(st.n_transit[1], 1);

  c.receive(4);
  EXPECT_EQ(st.pool[kChinaLegal][0][0], 0.0);
  c.receive(5);
  EXPECT_EQ(st.pool[kChinaLegal][0][0], 1.5);  // 1.0 then 0.5
  EXPECT_EQ(st.pool[kSmuggled][0][1], 2.0);
  EXPECT_EQ(st.pool[kSmuggled][0][0], 0.0);
  EXPECT_EQ(st.month_supply[0][0], 1.5);
  EXPECT_EQ(st.china_on_order[0][0], 0.0);  // China-legal arrivals leave the order book
  EXPECT_EQ(st.n_transit[0], 1);             // the batch one lap later stays
  EXPECT_EQ(st.n_transit[1], 0);
  c.receive(5 + lap);
  EXPECT_EQ(st.pool[kChinaLegal][0][0], 5.5);
  EXPECT_EQ(st.n_transit[0], 0);
  EXPECT_FALSE(st.overflow[0] || st.overflow[1]);
}

TEST(TransitCalendarTest, TranchesLeaveChinaOneAfterTheOtherAndSailForTheShippingDays) {
  Calendar c(4);  // tranches leave 0, 7, 14 and 21 days after the licence
  State& st = *c.st;
  const std::int32_t licensed = 3;
  st.china_on_order[0][0] = 4.0;  // four tranches of 1 t on order
  enqueue_batch(*c.spec, st, 0, licensed, 0, kAwaitingExport, 1.0, 0);
  for (std::int32_t t = 0; t <= licensed + 21 + 10; ++t) {
    c.receive(t);
    const int left = t < licensed ? 0 : 1 + (t - licensed) / 7;
    EXPECT_EQ(st.shipped[0][0], left < 4 ? left : 4) << "day " << t;
    const int arrived = t < licensed + 10 ? 0 : 1 + (t - licensed - 10) / 7;
    EXPECT_EQ(st.pool[kChinaLegal][0][0], arrived < 4 ? arrived : 4) << "day " << t;
    EXPECT_EQ(st.china_on_order[0][0], 4.0 - (arrived < 4 ? arrived : 4)) << "day " << t;
  }
  EXPECT_EQ(st.n_transit[0], 0);
  EXPECT_EQ(st.pool[kChinaLegal][0][1], 0.0);  // the other lane has nothing
}

// Batches at sea and tranches waiting to leave China are filed in two calendars. A day with
// both, interleaved as they were scheduled and each kind with a later lap in the same slot:
// the arrivals reach the pool first, in their order, then the tranches leave (with no
// shipping days, landing after the arrivals), and both later laps stay.
TEST(TransitCalendarTest, ArrivalsComeBeforeTodaysExportsAndLaterLapsOfBothWait) {
  Calendar c;
  c.spec->shipping_days[0] = 0;  // a tranche that leaves lands the same day
  State& st = *c.st;
  const int lap = State::kSlots;
  st.china_on_order[0][0] = 4.5;
  enqueue_batch(*c.spec, st, 0, 9, 0, kAwaitingExport, 0x1p-52);
  enqueue_batch(*c.spec, st, 0, 9, 0, kChinaLegal, 1.0);
  enqueue_batch(*c.spec, st, 0, 9 + lap, 0, kAwaitingExport, 2.0);
  enqueue_batch(*c.spec, st, 0, 9 + lap, 0, kChinaLegal, 1.0);
  enqueue_batch(*c.spec, st, 0, 9, 0, kSmuggled, 3.0);
  enqueue_batch(*c.spec, st, 0, 9, 0, kChinaLegal, 0x1p-53);
  EXPECT_EQ(st.n_transit[0], 6);
  c.receive(9);
  // The sums tell the orders apart: 1 + 2^-53 rounds to 1 (a tie, to even), so the arrivals
  // then the export give 1 + 2^-52, and the export first would give 1 + 2^-51.
  const double china = (1.0 + 0x1p-53) + 0x1p-52;
  ASSERT_NE(china, (0x1p-52 + 1.0) + 0x1p-53);
  EXPECT_EQ(st.pool[kChinaLegal][0][0], china);
  EXPECT_EQ(st.pool[kSmuggled][0][0], 3.0);
  EXPECT_EQ(st.shipped[0][0], 0x1p-52);
  EXPECT_EQ(st.month_supply[0][0], ((1.0 + 3.0) + 0x1p-53) + 0x1p-52);
  EXPECT_EQ(st.china_on_order[0][0], ((4.5 - 1.0) - 0x1p-53) - 0x1p-52);  // smuggled: not on order
  EXPECT_EQ(st.n_transit[0], 2);  // both later laps
  c.receive(9 + lap);
  EXPECT_EQ(st.pool[kChinaLegal][0][0], (china + 1.0) + 2.0);
  EXPECT_EQ(st.shipped[0][0], 0x1p-52 + 2.0);
  EXPECT_EQ(st.n_transit[0], 0);
}

TEST(TransitCalendarTest, UnlicensedGoodsStillInChinaWhenLicensingHoldsAreHeld) {
  Calendar c(4);
  State& st = *c.st;
  st.regime[0] = 1;  // licensing: the tranche and the batch's later ones are held
  st.regime[1] = 0;  // no licensing: it leaves
  for (int l = 0; l < kW; ++l) {
    st.china_on_order[0][l] = 3.0;  // tranches 1..3 of 1 t
    enqueue_batch(*c.spec, st, l, 5, 0, kAwaitingExportUnlicensed, 1.0, 1);
  }
  c.receive(5);
  EXPECT_EQ(st.china_on_order[0][0], 0.0);
  EXPECT_EQ(st.shipped[0][0], 0.0);
  EXPECT_EQ(st.n_transit[0], 0);
  EXPECT_EQ(st.shipped[0][1], 1.0);
  EXPECT_EQ(st.n_transit[1], 2);  // at sea, and the next tranche waiting for export
}

TEST(TransitCalendarTest, AFullLaneOverflowsWithoutWritingAndTheOtherLaneIsUntouched) {
  Calendar c;
  State& st = *c.st;
  for (int i = 0; i < kMaxPending; ++i) enqueue_batch(*c.spec, st, 0, 1 + i, 0, kSmuggled, 1.0);
  EXPECT_FALSE(st.overflow[0]);
  enqueue_batch(*c.spec, st, 0, 1, 0, kSmuggled, 1.0);
  EXPECT_TRUE(st.overflow[0]);
  EXPECT_EQ(st.n_transit[0], kMaxPending);
  enqueue_batch(*c.spec, st, 1, 1, 0, kSmuggled, 7.0);
  EXPECT_FALSE(st.overflow[1]);
  c.receive(1);
  EXPECT_EQ(st.pool[kSmuggled][0][0], 1.0);  // the overflowing batch was never scheduled
  EXPECT_EQ(st.pool[kSmuggled][0][1], 7.0);
}

}  // namespace
}  // namespace rr
