/// @file rng.hpp
/// Counter-based random numbers (Random123 Philox4x32-10) keyed by what is simulated.
///
/// A draw is a pure function of (seed, path index, purpose, entity, step): the path's future
/// does not depend on the backend, the thread that runs it, the batch it is in or which rank
/// of a sharded run simulates it (MODEL.md §3). Sweep points reuse the same keys, which gives
/// common random numbers for free.
#pragma once

#include <cstdint>

#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include "reerisk/portability.hpp"

namespace rr {

/// What a draw is for. Each purpose owns its own counter space, so adding draws for one
/// mechanism never shifts the draws of another. Values are part of the output contract:
/// never renumber, only append.
enum class Purpose : std::uint32_t {
  kRegimeInitial = 1,   ///< initial regime state (step 0)
  kRegimeStep = 2,      ///< monthly Markov transition (step = month index)
  kEvent = 3,           ///< scheduled event fires (entity = event index)
  kThrottle = 4,        ///< monthly throttle (entity = material, step = month)
  kApprovalShare = 5,   ///< q of a regime episode (step = episode number)
  kApproval = 6,        ///< batch approved? (entity = material, step = month)
  kLicenceDays = 7,     ///< licence lead time (entity = material, step = month)
  kLeakage = 8,         ///< smuggled share of blocked volume (once per path)
  kInterdiction = 9,    ///< seizure probability (once per path)
  kSeizure = 10,        ///< batch seized? (entity = material, step = month)
  kPlantDelay = 11,     ///< commissioning delay (entity = plant)
  kPlantCancel = 12,    ///< cancellation (entity = plant)
  kPlantRamp = 13,      ///< ramp duration (entity = plant)
  kPlantOutage = 14,    ///< outage starts? (entity = plant, step = month)
  kPlantOutageDays = 15,///< outage length (entity = plant, step = month)
  kCover = 16,          ///< initial inventory cover (entity = segment)
  kDemand = 17,         ///< daily demand factor (entity = segment, step = day)
};

using Philox = r123::Philox4x32_R<10>;

/// A reproducible sequence of uniforms for one (seed, path, purpose, entity, step).
///
/// Counter layout: word 0/1 = path index (64 bit), word 2 = purpose (8 bit) | entity (16 bit)
/// | block (8 bit), word 3 = step. Key = the 64-bit seed. Each Philox block yields four 32-bit
/// words; a sampler that needs more (rejection loops) moves on to the next block. 256 blocks
/// (1024 uniforms) per stream is far more than any sampler here uses with non-negligible
/// probability; past that the stream wraps around, which is documented in docs/model-notes.md.
class Stream {
 public:
  RR_HD Stream(std::uint64_t seed, std::uint64_t path, Purpose purpose, std::uint32_t entity,
               std::uint32_t step)
      : used_(4), block_(0) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{static_cast<std::uint32_t>(path), static_cast<std::uint32_t>(path >> 32),
             (static_cast<std::uint32_t>(purpose) << 24) | ((entity & 0xffffu) << 8), step}};
  }

  /// Next raw 32-bit word.
  RR_HD std::uint32_t next_u32() {
    if (used_ == 4) {
      Philox::ctr_type c = ctr_;
      c.v[2] |= (block_ & 0xffu);
      ++block_;
      out_ = Philox()(c, key_);
      used_ = 0;
    }
    return out_.v[used_++];
  }

  /// Uniform in the open interval (0, 1), 2^-32 spaced (Random123's u01fixedpt).
  RR_HD double uniform() { return r123::u01fixedpt<double>(next_u32()); }

  /// Standard normal by Box–Muller (one normal per two uniforms; the sine twin is dropped so
  /// that every call consumes the same number of words).
  RR_HD double normal() {
    const double u1 = uniform();
    const double u2 = uniform();
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
  }

 private:
  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type out_;
  int used_;
  std::uint32_t block_;
};

}  // namespace rr
