/// @file path_state.hpp
/// What W paths carry from one day to the next (PathState), and the names the mechanisms share
/// to read it: pool buckets, the transit calendar's slots, lane flags. Every mechanism header
/// (transit_calendar.hpp, plants.hpp, stockpile.hpp, prices.hpp, ...) reads and writes it;
/// path_model.hpp composes them in the day's order.
#pragma once

#include <cstdint>
#include <type_traits>

#include "reerisk/capacity.hpp"
#include "reerisk/model_spec.hpp"
#include "reerisk/path_weight.hpp"
#include "reerisk/portability.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// Pool buckets, allocated in this order (most restricted first, docs/model.md §6).
enum Bucket : std::int32_t { kSmuggled = 0, kChinaLegal = 1, kNonChina = 2, kBuckets = 3 };
static_assert(kBuckets == kPoolBuckets, "ModelSpec::eligible is indexed by Bucket");
/// A transit node that is not yet at sea: a licensed tranche that leaves China on its day
/// (then it is counted as exported and sails for shipping_days to the China-legal bucket).
constexpr std::int32_t kAwaitingExport = 3;
/// As kAwaitingExport, for a batch requested under a regime without licensing: held at customs
/// (lost) if it is still in China when its path is under licensing (export_tranches).
constexpr std::int32_t kAwaitingExportUnlicensed = 4;

/// A day no plant starts on (plant_first_day when every lane's plant is cancelled).
constexpr std::int32_t kNeverDay = 0x7fffffff;

/// Slots of the transit calendar of W lanes (PathState::slot_head): a batch waits in the list
/// of slot day mod transit_slots(W), a power of two. A batch shipped that many days or more
/// ahead shares a slot with nearer days and is passed over there until its own day: with W
/// lanes, 512 slots keep that to lead times over 16 months (in the baseline, 0.3% of the
/// licensed batches of its slowest regime); one GPU thread (W = 1) receives a batch every few
/// days, and 16 slots keep its local memory small.
RR_HD_INLINE constexpr int transit_slots(int W) { return W > 1 ? 512 : 16; }

/// A per-lane yes/no in the vectorised day loop: 0 or 1. (GCC does not vectorise loops that mix
/// bool arrays with doubles, so lane flags are 32-bit integers.)
using LaneFlag = std::int32_t;
/// A day, or a count of days, of one lane's spell bookkeeping, and its yes/no flags: with many
/// lanes 32-bit integers (the width the SIMD loops work in), in one GPU thread (W = 1) the
/// narrowest types that hold them (a day is < kMaxHorizonDays < 2^16), which halve and quarter
/// the bytes its local memory holds and its day loop reads. The values are the same.
template <int W>
using LaneDay = std::conditional_t<(W > 1), std::int32_t, std::uint16_t>;
template <int W>
using LaneBit = std::conditional_t<(W > 1), LaneFlag, std::uint8_t>;
static_assert(kMaxHorizonDays <= 0xffff, "LaneDay<1> holds every day of a horizon and the horizon itself");
/// A plant's start or run-from day (PathState::plant_start).
template <int W>
using PlantDay = std::conditional_t<(W > 1), double, std::int32_t>;

/// Whether some lane passed a test of doubles (an "any" reduction over the lanes): as wide as a
/// double, so that the SIMD comparison's mask reduces without being packed to 32-bit lanes
/// (several shuffles per vector on AVX2).
using LaneMask = std::int64_t;

/// Everything W paths carry from day to day; per-path values are indexed [...][lane], arrays
/// are sized by the capacity Cap (capacity.hpp). With many lanes the state starts on a cache
/// line, and its lane arrays with it (cpu_paths.cpp checks their offsets): a SIMD load never
/// straddles two lines. One GPU thread keeps its natural alignment.
template <int W, class Cap = FullCapacity>
struct alignas(W > 1 ? 64 : alignof(double)) PathState {
  /// A batch in transit: a node of its slot's list (or of the free list), 16 bytes.
  struct Transit {
    double tonnes;
    std::uint16_t day;   ///< < kMaxHorizonDays
    std::int16_t next;   ///< the next node of the list, -1 at its end (next_of)
    std::uint8_t lane;
    std::uint8_t material;
    std::uint8_t bucket;   ///< a Bucket, kAwaitingExport or kAwaitingExportUnlicensed
    std::uint8_t tranche;  ///< kAwaitingExport: which of the batch's tranches this is
  };
  static_assert(kMaxHorizonDays <= 0xffff && W * kMaxPending <= 0x7fff && W <= 0xff,
                "Transit's fields hold a day, a node index and a lane");
  static_assert(sizeof(Transit) == 16, "a node fills 16 bytes");

  std::int32_t regime[W];
  std::int32_t initial_regime[W];
  /// Likelihood ratio of all the path's tilted draws, known from day 0 (importance sampling;
  /// else 1), and its w and w^2 as the limbs every count of the path adds to its twin.
  double weight[W];
  std::uint32_t weight_limb[2 * kWeightLimbs][W];
  std::int32_t episode[W];
  std::int32_t months_in_regime[Cap::kRegimes][W];  ///< month starts spent in each state
  double approval_share[W];  ///< q of the current regime episode
  double price_premium[Cap::kMaterials][W];  ///< licensing price factor of the episode
  double leakage[W];
  double interdiction[W];
  /// Whether segment s may take from bucket b under the lane's current regime (a copy of
  /// ModelSpec::eligible, refreshed when the regime changes).
  LaneBit<W> eligible[kBuckets][Cap::kSegments][W];

  /// Per plant: its start day, and the first day it may run now (its start, the end of an
  /// outage, or kNeverDay when it is cancelled). With many lanes in doubles, so that the day's
  /// tests and the plant's age are double lanes like the fractions they select (in AVX2,
  /// 32-bit day tests had to be widened to the doubles' masks, and the age converted); days
  /// are whole numbers, exact in a double, so one GPU thread keeps them in half the bytes.
  PlantDay<W> plant_start[Cap::kPlants][W];
  PlantDay<W> plant_run_from[Cap::kPlants][W];
  double plant_ramp_days[Cap::kPlants][W];
  RR_HD_INLINE bool plant_cancelled(int p, int l) const { return plant_run_from[p][l] == kNeverDay; }
  /// Each plant's output this quarter in days at nameplate: the sum of its daily output
  /// fractions, which times its nameplate (all materials) is the quarter's tonnes
  /// (PathModel::close_quarter).
  double plant_quarter_days[Cap::kPlants][W];
  /// Over the block's lanes where the plant is not cancelled: the first day any of them runs
  /// (kNeverDay when none ever does), and the first day from which every one of them is past
  /// its ramp, so that its ramp fraction is exactly 1 and needs no division.
  std::int32_t plant_first_day[Cap::kPlants];
  std::int32_t plant_ramped_day[Cap::kPlants];

  // Per (material, segment): [m][s][lane], so each material's loops are contiguous.
  double cover_days[Cap::kSegments][W];    ///< initial cover drawn for each segment
  double inventory[Cap::kMaterials][Cap::kSegments][W];
  LaneDay<W> first_stockout[Cap::kMaterials][Cap::kSegments][W];
  LaneDay<W> stockout_days[Cap::kMaterials][Cap::kSegments][W];
  LaneBit<W> in_stockout[Cap::kMaterials][Cap::kSegments][W];
  double shortfall[Cap::kMaterials][Cap::kSegments][W];
  double consumed[Cap::kMaterials][Cap::kSegments][W];  ///< this month's demand met
  double demanded[Cap::kMaterials][Cap::kSegments][W];  ///< this month's demand
  double consumed_total[Cap::kMaterials][Cap::kSegments][W];  ///< over the closed months
  double demanded_total[Cap::kMaterials][Cap::kSegments][W];
  /// Inventory at the last month close (the initial inventory before the first): a month's
  /// receipts are its consumption plus the change of inventory.
  double inventory_at_close[Cap::kMaterials][Cap::kSegments][W];
  double procurement_usd[Cap::kSegments][W];  ///< receipts x price multiplier x base price
  LaneDay<W> first_line_stop[Cap::kMaterials][Cap::kSegments][W];
  LaneDay<W> line_stop_days[Cap::kMaterials][Cap::kSegments][W];
  LaneBit<W> in_line_stop[Cap::kMaterials][Cap::kSegments][W];
  /// Time to survive (docs/model.md §6 "Time to survive, time to recover"): the first day of
  /// the run of months whose receipts fell short of their demand that the open month would
  /// continue (the open month's first day when the last closed month's receipts met its
  /// demand). Frozen at the first line stop, which it then dates.
  LaneDay<W> disruption_from[Cap::kMaterials][Cap::kSegments][W];
  /// First day of the line-stop spell in progress; -1 between spells.
  std::int32_t stop_spell_from[Cap::kMaterials][Cap::kSegments][W];
  /// This month's demand response factor, in [demand_floor_share, 1] (1 without a response).
  double demand_scale[Cap::kMaterials][Cap::kSegments][W];
  /// Price multipliers of the last kMaxResponseLag months, [month % kMaxResponseLag].
  double price_history[kMaxResponseLag][Cap::kMaterials][W];

  double pool[kBuckets][Cap::kMaterials][W];
  double stockpile[Cap::kMaterials][W];
  double stockpile_ceiling[Cap::kMaterials];  ///< the same for every path

  double month_demand[Cap::kMaterials][W];
  double month_supply[Cap::kMaterials][W];
  double smuggled[Cap::kMaterials][W];
  double seized[Cap::kMaterials][W];
  double shipped[Cap::kMaterials][W];  ///< this month's licensed exports from China
  double china_on_order[Cap::kMaterials][W];  ///< approved China tonnes not yet arrived

  /// The block's batches in transit, shared by its lanes: two calendars of kSlots lists
  /// (transit_slots), one of the batches at sea or smuggled and one of the tranches waiting to
  /// leave China, each list in the order its batches were shipped, so that a day's arrivals
  /// and exports are found without looking at other days or testing each lane
  /// (receive_arrivals), and a free list of the unused nodes.
  Transit transit[W * kMaxPending];
  /// Where the lists' links live: with many lanes, apart from the nodes (128 KB at 64 lanes,
  /// beyond L1), in 2 bytes a node that stay in L1, so that walking a day's list waits for
  /// L1 rather than for the node before; one GPU thread keeps them in its nodes, which cost no
  /// more bytes for it.
  static constexpr bool kLinksApart = W > 1;
  std::int16_t transit_next[kLinksApart ? W * kMaxPending : 1];
  /// The node after node @p i in its list, -1 at its end.
  RR_HD_INLINE std::int16_t& next_of(int i) {
    if constexpr (kLinksApart) {
      return transit_next[i];
    } else {
      return transit[i].next;
    }
  }
  static constexpr int kSlots = transit_slots(W);
  static_assert((kSlots & (kSlots - 1)) == 0, "slot = day & (kSlots - 1)");
  /// Which calendar a node's list is in: kAtSea (a Bucket) or kLeavingChina (kAwaitingExport
  /// and kAwaitingExportUnlicensed). Kept apart, the day's walk of arrivals does not branch on
  /// each node's kind, a branch the interleaved kinds made hard to predict.
  enum Calendar : int { kAtSea = 0, kLeavingChina = 1, kCalendars = 2 };
  static RR_HD_INLINE int calendar_of(int bucket) { return bucket >= kAwaitingExport ? kLeavingChina : kAtSea; }
  std::int16_t slot_head[kCalendars][kSlots];  ///< first node of each slot's list, -1 when empty
  std::int16_t slot_tail[kCalendars][kSlots];  ///< last node (read only when the list is not empty)
  std::int16_t free_head;
  std::int32_t n_transit[W];  ///< batches in transit per lane, at most kMaxPending
  bool overflow[W];
  /// Whether some lane's stockpile may be below its ceiling, so that the refill has work: set
  /// by a release, cleared by a refill that leaves every lane full.
  std::int32_t stockpile_has_room[Cap::kMaterials];
  /// Whether some lane ended the day in a stockout or line stop of the (material, segment),
  /// so that tomorrow's spell bookkeeping has work even if no lane is short (spell_open). One
  /// GPU thread reads its own flags instead, and keeps no copy.
  static constexpr bool kSpellsApart = W > 1;
  LaneFlag any_in_spell[kSpellsApart ? Cap::kMaterials : 1][kSpellsApart ? Cap::kSegments : 1];
  RR_HD_INLINE bool spell_open(int m, int s) const {
    if constexpr (kSpellsApart) {
      return any_in_spell[m][s] != 0;
    } else {
      return (in_stockout[m][s][0] | in_line_stop[m][s][0]) != 0;
    }
  }
};

RR_KERNEL_CODE_END
}  // namespace rr
