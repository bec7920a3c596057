// A plant's ramp and first-year cap (kernels/reerisk/plants.hpp, docs/model.md §6).
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

}  // namespace
}  // namespace rr
