// libFuzzer target: any file given to `reerisk info` (and `merge`) ends in a report or an
// InputError, never a crash. The input is written to a file because HDF5 reads files.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "errors.hpp"
#include "io/result_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/reerisk-fuzz-" + std::to_string(getpid()) + ".h5";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    (void)rr::read_result_file(path);
  } catch (const rr::InputError&) {
  }
  std::remove(path.c_str());
  return 0;
}
