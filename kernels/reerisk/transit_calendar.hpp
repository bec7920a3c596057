/// @file transit_calendar.hpp
/// Batches on their way (docs/model.md §6): China's licensed tranches waiting to leave, and
/// China and smuggled batches at sea, each a node of the transit calendar (PathState::transit)
/// in the list of its day's slot. Scheduling, arrivals into the pools and exports; nothing
/// here draws.
#pragma once

#include <cstdint>

#include "reerisk/model_spec.hpp"
#include "reerisk/path_state.hpp"
#include "reerisk/portability.hpp"

namespace rr {

RR_KERNEL_CODE_BEGIN

/// Days after the licence on which tranche @p i of @p n leaves China: floor(28 i / n), so four
/// tranches go weekly (0, 7, 14, 21 days) and one leaves on the licence day (docs/model.md §6).
RR_HD_INLINE constexpr std::int32_t shipment_offset_days(int i, int n) { return (28 * i) / n; }

/// Tranches a licensed batch of material @p m leaves China in (at least 1).
RR_HD_INLINE int batch_tranches(const ModelSpec& spec, int m) {
  return spec.shipments_per_month[m] > 1 ? spec.shipments_per_month[m] : 1;
}

/// Empties the calendar: every slot's list empty, every node on the free list, no lane holding
/// a batch or having overflowed.
template <int W, class Cap>
RR_HD_INLINE void clear_transit_calendar(PathState<W, Cap>& st) {
  for (int c = 0; c < PathState<W, Cap>::kCalendars; ++c) {
    for (int k = 0; k < PathState<W, Cap>::kSlots; ++k) st.slot_head[c][k] = -1;
  }
  for (int i = 0; i < W * kMaxPending; ++i) {
    st.next_of(i) = static_cast<std::int16_t>(i + 1 < W * kMaxPending ? i + 1 : -1);
  }
  st.free_head = 0;
  for (int l = 0; l < W; ++l) {
    st.n_transit[l] = 0;
    st.overflow[l] = false;
  }
}

/// Appends node @p i to the list of its @p day's slot, in the calendar of its bucket.
template <int W, class Cap>
RR_HD_INLINE void transit_link(PathState<W, Cap>& st, std::int16_t i, std::int32_t day) {
  typename PathState<W, Cap>::Transit& tr = st.transit[i];
  tr.day = static_cast<std::uint16_t>(day);  // 0 <= day < horizon
  st.next_of(i) = -1;
  const int slot = day & (PathState<W, Cap>::kSlots - 1);  // day >= 0
  const int c = PathState<W, Cap>::calendar_of(tr.bucket);
  std::int16_t* head = st.slot_head[c];
  std::int16_t* tail = st.slot_tail[c];
  if (head[slot] < 0) {
    head[slot] = i;
  } else {
    st.next_of(tail[slot]) = i;
  }
  tail[slot] = i;
}

/// Takes node @p i, which follows @p prev (-1: none) in the list of @p slot of calendar @p c,
/// out of that list; its own link is left as it was.
template <int W, class Cap>
RR_HD_INLINE void transit_unlink(PathState<W, Cap>& st, int c, int slot, std::int16_t prev,
                                 std::int16_t i) {
  const std::int16_t next = st.next_of(i);
  if (prev < 0) {
    st.slot_head[c][slot] = next;
  } else {
    st.next_of(prev) = next;
  }
  if (st.slot_tail[c][slot] == i) st.slot_tail[c][slot] = prev;
}

/// Takes the nodes of calendar @p c due on day @p t out of its slot's list and returns them as
/// a list (next_of) in their order, -1 when none is due; later laps stay.
template <int W, class Cap>
RR_HD_INLINE std::int16_t take_due(PathState<W, Cap>& st, int c, std::int32_t t) {
  const int slot = t & (PathState<W, Cap>::kSlots - 1);
  std::int16_t prev = -1, due_head = -1, due_tail = -1;
  for (std::int16_t i = st.slot_head[c][slot]; i >= 0;) {
    const std::int16_t next = st.next_of(i);
    if (st.transit[i].day == t) {
      transit_unlink(st, c, slot, prev, i);
      st.next_of(i) = -1;
      if (due_head < 0) due_head = i; else st.next_of(due_tail) = i;
      due_tail = i;
    } else {
      prev = i;
    }
    i = next;
  }
  return due_head;
}

/// Returns node @p i to the free list.
template <int W, class Cap>
RR_HD_INLINE void transit_release(PathState<W, Cap>& st, std::int16_t i) {
  --st.n_transit[st.transit[i].lane];
  st.next_of(i) = st.free_head;
  st.free_head = i;
}

/// Schedules a node for @p day (0 <= day < horizon): a batch arriving in @p bucket, or
/// (kAwaitingExport) tranche @p tranche of a licensed batch, leaving China that day.
template <int W, class Cap>
RR_HD_INLINE void enqueue_batch(const ModelSpec& spec, PathState<W, Cap>& st, int l, std::int32_t day,
                               int m, int bucket, double tonnes, int tranche = 0) {
  if (day >= spec.horizon_days || !(tonnes > 0.0)) return;  // after the horizon: dropped
  if (st.n_transit[l] == kMaxPending) {
    st.overflow[l] = true;
    return;
  }
  ++st.n_transit[l];
  const std::int16_t i = st.free_head;  // never -1: each lane holds at most kMaxPending
  typename PathState<W, Cap>::Transit& tr = st.transit[i];
  st.free_head = st.next_of(i);
  tr.tonnes = tonnes;
  tr.lane = static_cast<std::uint8_t>(l);
  tr.material = static_cast<std::uint8_t>(m);
  tr.bucket = static_cast<std::uint8_t>(bucket);
  tr.tranche = static_cast<std::uint8_t>(tranche);
  transit_link(st, i, day);
}

/// Tranches leaving China on day @p t (a list from @p head, in the order they were
/// scheduled): each is counted as exported and sails for shipping_days, its node reused for
/// the voyage; the batch's next tranche is scheduled. Nothing is drawn.
template <int W, class Cap>
RR_HD_INLINE void export_tranches(const ModelSpec& spec, std::int32_t t, std::int16_t head,
                                  PathState<W, Cap>& st) {
  for (std::int16_t i = head; i >= 0;) {
    typename PathState<W, Cap>::Transit& tr = st.transit[i];
    const std::int16_t next = st.next_of(i);
    const int m = tr.material, l = tr.lane, k = tr.tranche, n = batch_tranches(spec, m);
    const double tonnes = tr.tonnes;
    if (tr.bucket == kAwaitingExportUnlicensed && spec.regimes[st.regime[l]].licensing) {
      // Unlicensed goods not yet exported when licensing begins are held: this tranche and
      // the batch's later ones never leave (docs/model.md §6).
      st.china_on_order[m][l] -= tonnes * (n - k);
      transit_release(st, i);
      i = next;
      continue;
    }
    const int waiting = tr.bucket;
    st.shipped[m][l] += tonnes;
    const std::int32_t arrives = t + spec.shipping_days[m];
    tr.bucket = static_cast<std::uint8_t>(kChinaLegal);
    if (arrives == t) {
      st.pool[kChinaLegal][m][l] += tonnes;
      st.month_supply[m][l] += tonnes;
      st.china_on_order[m][l] -= tonnes;
      transit_release(st, i);
    } else if (arrives >= spec.horizon_days) {
      transit_release(st, i);
    } else {
      transit_link(st, i, arrives);
    }
    if (k + 1 < n) {
      const std::int32_t licensed = t - shipment_offset_days(k, n);
      enqueue_batch(spec, st, l, licensed + shipment_offset_days(k + 1, n), m, waiting, tonnes, k + 1);
    }
    i = next;
  }
}

/// China and smuggled batches arriving today go to their pool buckets, each lane's in the
/// order they were shipped; then the tranches leaving China today (export_tranches). Today's
/// slot of each calendar holds them, and the batches of days kSlots, 2 kSlots, ... ahead,
/// which stay.
template <int W, class Cap>
RR_HD_INLINE void receive_arrivals(const ModelSpec& spec, std::int32_t t, PathState<W, Cap>& st) {
  using State = PathState<W, Cap>;
  const int slot = t & (State::kSlots - 1);
  std::int16_t prev = -1;
  for (std::int16_t i = st.slot_head[State::kAtSea][slot]; i >= 0;) {
    typename State::Transit& tr = st.transit[i];
    const std::int16_t next = st.next_of(i);
    if (tr.day == t) {
      transit_unlink(st, State::kAtSea, slot, prev, i);
      const int m = tr.material, l = tr.lane;
      const double tonnes = tr.tonnes;
      st.pool[tr.bucket][m][l] += tonnes;
      st.month_supply[m][l] += tonnes;
      // Only China-legal batches were on order; x - 0 is x, so the others pass unchanged
      // without a branch on the interleaved buckets.
      st.china_on_order[m][l] -= tr.bucket == kChinaLegal ? tonnes : 0.0;
      transit_release(st, i);
    } else {
      prev = i;
    }
    i = next;
  }
  const std::int16_t leaving = take_due(st, State::kLeavingChina, t);
  if (leaving >= 0) export_tranches(spec, t, leaving, st);
}

RR_KERNEL_CODE_END
}  // namespace rr
