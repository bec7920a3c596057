#include <iostream>

#include "commands.hpp"
#include "run/shards.hpp"

namespace rr {

void setup_merge_command(CLI::App& app, MergeCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "merge", "Merge the shard files of one run (run --shard I/K) into the file the unsharded "
               "run would have written");
  cmd->add_option("shards", o.shards, "Shard result files")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", o.output, "Merged result file")->required();
  cmd->add_flag("--force", o.force, "Overwrite an existing output file");
}

int run_merge_command(const MergeCommandOptions& o) {
  merge_result_files(o.shards, o.output, o.force);
  std::cout << "merged " << o.shards.size() << " shards into " << o.output << "\n";
  return 0;
}

}  // namespace rr
