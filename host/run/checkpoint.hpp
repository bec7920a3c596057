/// @file checkpoint.hpp
/// Sweep checkpoints: the tally of every completed point, appended to "<output>.checkpoint"
/// as the sweep goes, so an interrupted sweep continues with `run --resume` where it stopped.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace rr {

/// A completed sweep point as stored in a checkpoint.
struct CheckpointRecord {
  std::uint64_t paths = 0;
  std::vector<std::uint64_t> tally;
};

/// FNV-1a fingerprint of what makes a sweep's results: the scenario text and every run
/// setting that changes the numbers. A checkpoint is only resumed by a run with the same one.
std::uint64_t run_fingerprint(const std::string& scenario_text, std::uint64_t seed,
                              std::uint64_t n_paths, double until_halfwidth, std::uint64_t batch);

/// Appends completed points to a checkpoint file (each record fsync'ed).
class CheckpointWriter {
 public:
  /// Starts a new checkpoint at @p path (replacing any), or continues an existing one when
  /// @p append is true.
  CheckpointWriter(const std::string& path, std::uint64_t fingerprint, std::uint64_t n_points,
                   std::uint64_t tally_size, bool append);
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  /// Records point @p index; durable when this returns.
  void add(std::uint64_t index, const CheckpointRecord& record);
  /// Deletes the checkpoint file (the result file is written).
  void remove();

 private:
  std::string path_;
  int fd_ = -1;
};

/// Reads the completed points of the checkpoint at @p path. A torn last record (a crash while
/// appending) is dropped, and the file is truncated after the last whole record.
/// @return false when there is no checkpoint file
/// @throws InputError when the file belongs to a different run (fingerprint, points, sizes)
bool read_checkpoint(const std::string& path, std::uint64_t fingerprint, std::uint64_t n_points,
                     std::uint64_t tally_size, std::map<std::uint64_t, CheckpointRecord>& out);

}  // namespace rr
