#include "run/process_group.hpp"

#include <cstdlib>

#if defined(REERISK_HAVE_MPI)
#include <mpi.h>
#endif

namespace rr {
namespace {
int g_rank = 0, g_size = 1, g_local_rank = 0;

#if defined(REERISK_HAVE_MPI)
bool g_started = false;  ///< MPI_Init was called

/// Whether an MPI launcher (Open MPI, MPICH/PMI, PMIx/Slurm) started this process.
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"}) {
    if (std::getenv(v)) return true;
  }
  return false;
}
#endif
}  // namespace

bool ProcessGroup::available() {
#if defined(REERISK_HAVE_MPI)
  return true;
#else
  return false;
#endif
}

void ProcessGroup::init(int* argc, char*** argv) {
#if defined(REERISK_HAVE_MPI)
  if (!launched_by_mpi()) return;
  MPI_Init(argc, argv);
  g_started = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_rank, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &g_local_rank);
  MPI_Comm_free(&node);
#else
  (void)argc;
  (void)argv;
#endif
}

void ProcessGroup::finalize() {
#if defined(REERISK_HAVE_MPI)
  if (g_started) MPI_Finalize();
  g_started = false;
#endif
}

int ProcessGroup::rank() { return g_rank; }
int ProcessGroup::size() { return g_size; }
int ProcessGroup::local_rank() { return g_local_rank; }

void ProcessGroup::sum(std::vector<std::uint64_t>& tally) {
#if defined(REERISK_HAVE_MPI)
  if (g_started && g_size > 1) {
    static_assert(sizeof(std::uint64_t) == sizeof(unsigned long long));
    MPI_Allreduce(MPI_IN_PLACE, tally.data(), static_cast<int>(tally.size()), MPI_UNSIGNED_LONG_LONG,
                  MPI_SUM, MPI_COMM_WORLD);
  }
#else
  (void)tally;
#endif
}

void ProcessGroup::abort(int code) {
#if defined(REERISK_HAVE_MPI)
  if (g_started) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

}  // namespace rr
