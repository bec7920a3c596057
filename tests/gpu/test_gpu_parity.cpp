// CPU and GPU backends run the same path model: with the same seed their tallies agree within
// Monte Carlo error (path by path they differ only where floating point differs: FMA
// contraction and libdevice vs glibc transcendental functions). Skips without a CUDA device.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "reerisk/backend.hpp"
#include "reerisk/capacity.hpp"
#include "run/engine.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"
#include "stats/summary.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

class GpuParityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!cuda_backend::compiled()) GTEST_SKIP() << "built without the CUDA backend";
    if (cuda_backend::device_count(&why) == 0) GTEST_SKIP() << "no CUDA device: " << why;
    sc_ = load_scenario_file(std::string(REERISK_SOURCE_DIR) + "/configs/baseline.toml");
    spec_ = build_model_spec(sc_);
  }
  std::vector<std::uint64_t> run_gpu(std::uint64_t n, std::uint64_t batch,
                                     int blocks_per_sm = 0,
                                     GpuStateLayout layout = GpuStateLayout::kCompact) {
    BackendSelection gpu;
    gpu.cuda = true;
    gpu.name = "cuda";
    RunOptions o;
    o.seed = 7;
    o.n_paths = n;
    o.batch = batch;
    o.gpu_blocks_per_sm = blocks_per_sm;
    o.gpu_state = layout;
    return run_paths(*spec_, gpu, o).tally;
  }
  Scenario sc_;
  std::unique_ptr<ModelSpec> spec_;
};

TEST_F(GpuParityTest, GpuTallyIsIndependentOfBatchSize) {
  EXPECT_EQ(run_gpu(20000, 20000), run_gpu(20000, 3001));
}

TEST_F(GpuParityTest, GpuTallyIsIndependentOfTheGridSize) {
  // 10^5 paths: one thread per path by default (782 blocks); with 1 or 3 blocks per
  // multiprocessor (132 or 396 blocks on an H100) each thread loops over several paths. The
  // tally's integer sums must not notice.
  const auto one_path_per_thread = run_gpu(100000, 0);
  EXPECT_EQ(one_path_per_thread, run_gpu(100000, 0, 1));
  EXPECT_EQ(one_path_per_thread, run_gpu(100000, 0, 3));
}

TEST_F(GpuParityTest, BothStateLayoutsGiveTheSameTally) {
  // The compact and the full per-thread state differ only in their arrays' bounds: the same
  // arithmetic in the same order, so the same bits (the baseline fits the compact one).
  ASSERT_TRUE(fits<CompactCapacity>(*spec_));
  EXPECT_EQ(run_gpu(20000, 0), run_gpu(20000, 0, 0, GpuStateLayout::kFull));
}

TEST_F(GpuParityTest, DeviceMemoryInUseIsRecordedWhileABatchRuns) {
  const std::uint64_t before = cuda_backend::device_bytes_in_use(0);  // the context, at least
  ASSERT_GT(before, 0u);
  run_gpu(1000, 0);
  // While the kernel ran, the batch's scenario and tally and the kernel's local memory were
  // allocated on top of what was in use before.
  EXPECT_GT(cuda_backend::device_bytes_in_use_peak(), before);
}

TEST_F(GpuParityTest, FirstStockoutDistributionsAgreeWithTheCpu) {
  const std::uint64_t n = 50000;
  const auto gpu = run_gpu(n, 0);
  const auto cpu = test::run_cpu(*spec_, 7, n, 2);
  const TallyLayout L(*spec_);
  ASSERT_EQ(gpu[L.paths], n);
  // Two-sample KS bound at alpha = 1e-3 for equal sample sizes: c(alpha) sqrt(2/n). The two
  // samples share their random numbers, so the true difference is far smaller; the bound is
  // what independent runs would have to meet.
  const double bound = std::sqrt(-std::log(1e-3 / 2) / 2) * std::sqrt(2.0 / n);
  for (int s = 0; s < L.S; ++s) {
    for (int m = 0; m < L.M; ++m) {
      const std::uint64_t off = L.first_stockout + L.sm(s, m) * (L.H + 1);
      double cg = 0, cc = 0, d = 0;
      for (int t = 0; t <= L.H; ++t) {
        cg += gpu[off + t];
        cc += cpu[off + t];
        d = std::max(d, std::fabs(cg - cc) / n);
      }
      EXPECT_LT(d, bound) << sc_.segments[s].name << "/" << sc_.materials[m].name;
    }
  }
  // Integer counters that do not involve floating point agree exactly.
  for (int k = 0; k < L.K; ++k) {
    for (int r = 0; r < L.R; ++r) {
      EXPECT_EQ(gpu[L.regime_occupancy + k * L.R + r], cpu[L.regime_occupancy + k * L.R + r]);
    }
  }
  for (int p = 0; p < L.P; ++p) EXPECT_EQ(gpu[L.plant_cancelled + p], cpu[L.plant_cancelled + p]);
}

// Importance sampling (docs/model.md §10) on the GPU: the weighted tallies are integers, so the
// same for any batch size; the weighted P(stockout by the horizon) of the closed-form case
// agrees with the CPU's within 4 standard errors of the difference.
TEST_F(GpuParityTest, ImportanceSampledEstimatesAgreeWithTheCpu) {
  sc_ = load_scenario_file(std::string(REERISK_SOURCE_DIR) + "/tools/bench/rare_event_closed_form.toml");
  spec_ = build_model_spec(sc_);
  const std::uint64_t n = 100000;
  const auto gpu = run_gpu(n, 0);
  EXPECT_EQ(gpu, run_gpu(n, 7777));
  const auto cpu = test::run_cpu(*spec_, 7, n, 2);
  const Proportion g = summarize(sc_, *spec_, gpu).cells[0].within(spec_->horizon_days);
  const Proportion c = summarize(sc_, *spec_, cpu).cells[0].within(spec_->horizon_days);
  ASSERT_GT(c.p, 0.0);
  EXPECT_NEAR(g.p, c.p, 4 * std::hypot((g.hi - g.p) / kZ95, (c.hi - c.p) / kZ95));
}

}  // namespace
}  // namespace rr
