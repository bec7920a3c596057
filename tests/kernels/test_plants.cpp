// A plant's ramp and first-year cap, and where a day's output goes (kernels/reerisk/plants.hpp,
// docs/model.md §6).
#include <memory>

#include <gtest/gtest.h>

#include "reerisk/plants.hpp"

namespace rr {
namespace {

TEST(PlantOutputFractionTest, RampAndFirstYearCap) {
  EXPECT_EQ(plant_output_fraction(-1, 100, 1), 0.0);
  EXPECT_DOUBLE_EQ(plant_output_fraction(0, 100, 1), 0.01);
  EXPECT_DOUBLE_EQ(plant_output_fraction(49, 100, 1), 0.5);
  EXPECT_DOUBLE_EQ(plant_output_fraction(49, 100, 0.4), 0.4);
  EXPECT_DOUBLE_EQ(plant_output_fraction(400, 100, 0.4), 1.0);
  EXPECT_DOUBLE_EQ(plant_output_fraction(0, 0, 1), 1.0);
  EXPECT_DOUBLE_EQ(plant_output_fraction(364, 0, 0.3), 0.3);
  EXPECT_DOUBLE_EQ(plant_output_fraction(365, 0, 0.3), 1.0);
}

// Three plants of one material, with no offtaker, one (a quarter to segment 0) and two (a
// quarter to segment 1, a half to segment 2): each shape has its own pass over the lanes, and
// each lane's output (nameplate x fraction) goes to the offtakers first, the rest to the
// non-China pool and the month's supply. Powers of two keep the hand-worked sums exact.
TEST(PlantOutputTest, OfftakersFirstTheRestToTheNonChinaPool) {
  constexpr int kW = 4;
  auto spec = std::make_unique<ModelSpec>();
  auto st = std::make_unique<PathState<kW, FullCapacity>>();
  spec->n_materials = 1;
  spec->n_segments = 3;
  spec->n_plants = 3;
  spec->n_producers[0] = 3;
  const double nameplate[3] = {8.0, 4.0, 16.0};
  for (int p = 0; p < 3; ++p) {
    spec->producers[0][p] = p;
    spec->plants[p].output_t_per_day[0] = nameplate[p];
    st->plant_first_day[p] = 0;
  }
  spec->n_offtakers[1] = 1;
  spec->offtakers[1][0] = 0;
  spec->plants[1].offtake[0] = 0.25;
  spec->n_offtakers[2] = 2;
  spec->offtakers[2][0] = 1;
  spec->offtakers[2][1] = 2;
  spec->plants[2].offtake[1] = 0.25;
  spec->plants[2].offtake[2] = 0.5;
  const double f[kW] = {1.0, 0.5, 0.0, 0.25};
  double fraction[kMaxPlants][kW] = {};
  for (int p = 0; p < 3; ++p) {
    for (int l = 0; l < kW; ++l) fraction[p][l] = f[l];
  }
  for (int l = 0; l < kW; ++l) {
    for (int s = 0; s < 3; ++s) st->inventory[0][s][l] = 1.0;
    st->pool[kNonChina][0][l] = 2.0;
    st->month_supply[0][l] = 3.0;
  }
  struct Seen {  // the observer sees each running lane's output
    mutable double tonnes = 0.0;
    void plant_output(int, std::int32_t, int, int, double t) const { tonnes += t; }
  } seen;
  double offtake[kW];
  deliver_plant_output(*spec, 10, 0, fraction, seen, *st, offtake);
  EXPECT_EQ(seen.tonnes, 28.0 * (1.0 + 0.5 + 0.25));
  for (int l = 0; l < kW; ++l) {
    // Offtakes: 4 f / 4 to segment 0, 16 f / 4 to segment 1, 16 f / 2 to segment 2; the rest
    // 8 f + 3 f + 4 f to the pool.
    EXPECT_EQ(st->inventory[0][0][l], 1.0 + f[l]) << "lane " << l;
    EXPECT_EQ(st->inventory[0][1][l], 1.0 + 4.0 * f[l]) << "lane " << l;
    EXPECT_EQ(st->inventory[0][2][l], 1.0 + 8.0 * f[l]) << "lane " << l;
    EXPECT_EQ(offtake[l], 13.0 * f[l]) << "lane " << l;
    EXPECT_EQ(st->pool[kNonChina][0][l], 2.0 + 15.0 * f[l]) << "lane " << l;
    EXPECT_EQ(st->month_supply[0][l], 3.0 + 15.0 * f[l]) << "lane " << l;
  }
}

}  // namespace
}  // namespace rr
