/// @file model_spec_builder.hpp
/// Scenario (host, names, dates) -> ModelSpec (kernels, indices, day numbers, daily rates).
#pragma once

#include <memory>

#include "reerisk/model_spec.hpp"
#include "scenario/scenario.hpp"

namespace rr {

/// Resolves a validated scenario into the kernels' trivially copyable form.
/// @throws InputError when the scenario exceeds a compile-time limit of ModelSpec.
std::unique_ptr<ModelSpec> build_model_spec(const Scenario& scenario);

}  // namespace rr
