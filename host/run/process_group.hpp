/// @file process_group.hpp
/// The processes of one run: a single process, or the ranks of an MPI job when reerisk is
/// built with MPI (REERISK_MPI) and started by mpirun/srun. Ranks split the paths; their
/// integer tallies are summed exactly, so the result equals a single-process run's.
#pragma once

#include <cstdint>
#include <vector>

namespace rr {

class ProcessGroup {
 public:
  /// Starts MPI when this process was launched by an MPI launcher (and MPI is built in).
  static void init(int* argc, char*** argv);
  /// Ends MPI if init() started it.
  static void finalize();

  static int rank();        ///< 0 without MPI
  static int size();        ///< 1 without MPI
  static int local_rank();  ///< rank among the processes on this node (picks the GPU)
  static bool root() { return rank() == 0; }
  /// Whether this build has MPI support.
  static bool available();

  /// Replaces @p tally on every rank by its sum over all ranks (exact 64-bit integer sum).
  static void sum(std::vector<std::uint64_t>& tally);
  /// Ends the whole job with @p code (MPI_Abort); a plain exit without MPI.
  [[noreturn]] static void abort(int code);
};

}  // namespace rr
