/// @file capacity.hpp
/// Compile-time bounds of a path's state (PathState, path_state.hpp). The scenario's own sizes
/// are run-time values in ModelSpec; a path's arrays are sized by a capacity at least that
/// large. The CPU backend uses the model limits (FullCapacity). On the GPU every thread keeps
/// its own state in local memory, whose size per thread bounds occupancy and the device memory
/// the driver reserves, so the CUDA backend runs CompactCapacity whenever the scenario fits
/// (the shipped scenarios do) and FullCapacity otherwise.
#pragma once

#include "reerisk/model_spec.hpp"
#include "reerisk/portability.hpp"

namespace rr {

/// The model limits of model_spec.hpp.
struct FullCapacity {
  static constexpr int kMaterials = kMaxMaterials;
  static constexpr int kSegments = kMaxSegments;
  static constexpr int kPlants = kMaxPlants;
  static constexpr int kRegimes = kMaxRegimes;
};

/// Up to 4 materials, 4 segments, 10 plants and 4 regimes (configs/baseline.toml: 4, 4, 9, 3).
struct CompactCapacity {
  static constexpr int kMaterials = 4;
  static constexpr int kSegments = 4;
  static constexpr int kPlants = 10;
  static constexpr int kRegimes = 4;
};

/// Whether @p spec fits capacity @p Cap.
template <class Cap>
RR_HD_INLINE bool fits(const ModelSpec& spec) {
  static_assert(Cap::kSegments % 4 == 0, "demand factors are drawn four segments at a time");
  return spec.n_materials <= Cap::kMaterials && spec.n_segments <= Cap::kSegments &&
         spec.n_plants <= Cap::kPlants && spec.n_regimes <= Cap::kRegimes;
}

}  // namespace rr
