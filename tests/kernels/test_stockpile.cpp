// The strategic stockpile's day (kernels/reerisk/stockpile.hpp, docs/model.md §6): hand-worked
// releases (the gap to the trigger, at most the daily cap and what is left) and the refill up
// to the ceiling, non-China pool first; one case per lane, so lanes are also seen apart.
#include <memory>

#include <gtest/gtest.h>

#include "reerisk/stockpile.hpp"

namespace rr {
namespace {

constexpr int kW = 4;
using State = PathState<kW, FullCapacity>;

struct Stockpile {
  std::unique_ptr<ModelSpec> spec = std::make_unique<ModelSpec>();
  std::unique_ptr<State> st = std::make_unique<State>();

  // Two segments of one material: 0 takes part (trigger 10 t), 1 does not; a cap of 3 t a day.
  explicit Stockpile(bool refill) {
    ModelSpec& s = *spec;
    s.n_materials = 1;
    s.n_segments = 2;
    s.has_stockpile = true;
    s.stockpile_refill = refill;
    s.stockpile_max_release_t_per_day[0] = 3.0;
    s.release_trigger_t[0][0] = 10.0;
    s.release_eligibility[0][0] = kAlwaysEligible;
    s.release_eligibility[0][1] = kNeverEligible;
    const std::int32_t priority[2] = {0, 0};
    s.allocation_order = make_allocation_order(Allocation::kProRata, priority, 2);
    st->stockpile_ceiling[0] = 100.0;
    st->stockpile_has_room[0] = 1;  // the cases set stocks below the ceiling themselves
    for (int l = 0; l < kW; ++l) {
      for (int b = 0; b < kBuckets; ++b) st->pool[b][0][l] = 0.0;
      st->inventory[0][1][l] = 0.0;  // empty, but not a participant: gets nothing
    }
  }
  void run() { release_and_refill_stockpile(*spec, 0, *st); }
};

TEST(StockpileTest, ReleasesTheGapToTheTriggerAtMostTheCapAndWhatIsLeft) {
  Stockpile s(false);
  State& st = *s.st;
  const double inventory[kW] = {8.0, 0.0, 0.0, 12.0};  // gaps 2, 10, 10, none
  const double stock[kW] = {100.0, 100.0, 1.0, 100.0};
  for (int l = 0; l < kW; ++l) {
    st.inventory[0][0][l] = inventory[l];
    st.stockpile[0][l] = stock[l];
  }
  s.run();
  const double want_inventory[kW] = {10.0, 3.0, 1.0, 12.0};
  const double want_stock[kW] = {98.0, 97.0, 0.0, 100.0};
  for (int l = 0; l < kW; ++l) {
    EXPECT_EQ(st.inventory[0][0][l], want_inventory[l]) << "lane " << l;
    EXPECT_EQ(st.stockpile[0][l], want_stock[l]) << "lane " << l;
    EXPECT_EQ(st.inventory[0][1][l], 0.0) << "lane " << l;
  }
}

TEST(StockpileTest, RefillsUpToTheCeilingFromTheNonChinaPoolFirst) {
  Stockpile s(true);
  State& st = *s.st;
  const double stock[kW] = {97.0, 50.0, 100.0, 99.5};
  const double nonchina[kW] = {2.0, 10.0, 4.0, 0.0};
  const double china[kW] = {5.0, 10.0, 4.0, 1.0};
  for (int l = 0; l < kW; ++l) {
    st.inventory[0][0][l] = 20.0;  // above the trigger: no release
    st.stockpile[0][l] = stock[l];
    st.pool[kNonChina][0][l] = nonchina[l];
    st.pool[kChinaLegal][0][l] = china[l];
    st.pool[kSmuggled][0][l] = 9.0;  // never bought for the stockpile
  }
  s.run();
  const double want_stock[kW] = {100.0, 70.0, 100.0, 100.0};
  const double want_nonchina[kW] = {0.0, 0.0, 4.0, 0.0};
  const double want_china[kW] = {4.0, 0.0, 4.0, 0.5};
  for (int l = 0; l < kW; ++l) {
    EXPECT_EQ(st.stockpile[0][l], want_stock[l]) << "lane " << l;
    EXPECT_EQ(st.pool[kNonChina][0][l], want_nonchina[l]) << "lane " << l;
    EXPECT_EQ(st.pool[kChinaLegal][0][l], want_china[l]) << "lane " << l;
    EXPECT_EQ(st.pool[kSmuggled][0][l], 9.0) << "lane " << l;
    EXPECT_EQ(st.inventory[0][0][l], 20.0) << "lane " << l;
  }
}

// The refill's bookkeeping (stockpile_has_room): a release sets it, a refill that leaves some
// lane below the ceiling keeps it, one that fills every lane clears it; while it is clear the
// pools are not touched.
TEST(StockpileTest, TheRefillRunsWhileSomeLaneHasRoom) {
  Stockpile s(true);
  State& st = *s.st;
  const auto day = [&](double lane1_inventory, double nonchina) {
    for (int l = 0; l < kW; ++l) {
      st.inventory[0][0][l] = l == 1 ? lane1_inventory : 20.0;  // trigger 10
      st.pool[kNonChina][0][l] = nonchina;
    }
    s.run();
  };
  for (int l = 0; l < kW; ++l) st.stockpile[0][l] = 100.0;
  st.stockpile_has_room[0] = 0;
  day(20.0, 5.0);  // all full, no release: nothing bought
  EXPECT_EQ(st.stockpile_has_room[0], 0);
  for (int l = 0; l < kW; ++l) EXPECT_EQ(st.pool[kNonChina][0][l], 5.0) << "lane " << l;
  day(8.0, 5.0);  // lane 1 releases 2 t and buys them back at once
  EXPECT_EQ(st.stockpile[0][1], 100.0);
  EXPECT_EQ(st.pool[kNonChina][0][1], 3.0);
  EXPECT_EQ(st.pool[kNonChina][0][0], 5.0);
  EXPECT_EQ(st.stockpile_has_room[0], 0);
  day(8.0, 0.0);  // released, nothing to buy: room left
  EXPECT_EQ(st.stockpile[0][1], 98.0);
  EXPECT_EQ(st.stockpile_has_room[0], 1);
  day(20.0, 0.5);  // no release; 0.5 t bought, still short
  EXPECT_EQ(st.stockpile[0][1], 98.5);
  EXPECT_EQ(st.stockpile_has_room[0], 1);
  day(20.0, 5.0);  // full again
  EXPECT_EQ(st.stockpile[0][1], 100.0);
  EXPECT_EQ(st.pool[kNonChina][0][1], 3.5);
  EXPECT_EQ(st.stockpile_has_room[0], 0);
}

TEST(StockpileTest, WithoutRefillThePoolsAreLeftAlone) {
  Stockpile s(false);
  State& st = *s.st;
  for (int l = 0; l < kW; ++l) {
    st.inventory[0][0][l] = 20.0;
    st.stockpile[0][l] = 10.0;
    st.pool[kNonChina][0][l] = 5.0;
  }
  s.run();
  for (int l = 0; l < kW; ++l) {
    EXPECT_EQ(st.stockpile[0][l], 10.0);
    EXPECT_EQ(st.pool[kNonChina][0][l], 5.0);
  }
}

}  // namespace
}  // namespace rr
