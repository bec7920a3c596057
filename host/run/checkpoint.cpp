// Binary layout: a header of 5 words (magic, version, fingerprint, points, tally size), then
// records of [index, paths, tally..., fnv1a of the previous words of the record].
#include "run/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "errors.hpp"

namespace rr {
namespace {

constexpr std::uint64_t kMagic = 0x74706b6372656572ull;  // "reerckpt" little-endian
constexpr std::uint64_t kVersion = 1;

std::uint64_t fnv1a(const void* data, std::size_t bytes, std::uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

void write_all(int fd, const void* data, std::size_t bytes, const std::string& path) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::write(fd, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot write checkpoint " + path + ": " + std::strerror(errno));
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
}

}  // namespace

std::uint64_t run_fingerprint(const std::string& scenario_text, std::uint64_t seed,
                              std::uint64_t n_paths, double until_halfwidth, std::uint64_t batch) {
  std::uint64_t h = fnv1a(scenario_text.data(), scenario_text.size());
  h = fnv1a(&seed, sizeof seed, h);
  h = fnv1a(&n_paths, sizeof n_paths, h);
  h = fnv1a(&until_halfwidth, sizeof until_halfwidth, h);
  // The batch size only matters when a precision target stops runs at batch boundaries.
  const std::uint64_t b = until_halfwidth > 0 ? batch : 0;
  return fnv1a(&b, sizeof b, h);
}

CheckpointWriter::CheckpointWriter(const std::string& path, std::uint64_t fingerprint,
                                   std::uint64_t n_points, std::uint64_t tally_size, bool append)
    : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open checkpoint " + path + ": " + std::strerror(errno));
  if (!append || ::lseek(fd_, 0, SEEK_END) == 0) {
    const std::uint64_t header[5] = {kMagic, kVersion, fingerprint, n_points, tally_size};
    write_all(fd_, header, sizeof header, path_);
    if (::fsync(fd_) != 0) throw std::runtime_error("cannot sync checkpoint " + path_);
  }
}

CheckpointWriter::~CheckpointWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void CheckpointWriter::add(std::uint64_t index, const CheckpointRecord& record) {
  std::vector<std::uint64_t> words;
  words.reserve(record.tally.size() + 3);
  words.push_back(index);
  words.push_back(record.paths);
  words.insert(words.end(), record.tally.begin(), record.tally.end());
  words.push_back(fnv1a(words.data(), words.size() * sizeof(std::uint64_t)));
  write_all(fd_, words.data(), words.size() * sizeof(std::uint64_t), path_);
  if (::fsync(fd_) != 0) throw std::runtime_error("cannot sync checkpoint " + path_);
}

void CheckpointWriter::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(path_.c_str());
}

bool read_checkpoint(const std::string& path, std::uint64_t fingerprint, std::uint64_t n_points,
                     std::uint64_t tally_size, std::map<std::uint64_t, CheckpointRecord>& out) {
  const int fd = ::open(path.c_str(), O_RDWR);
  if (fd < 0) return false;
  std::uint64_t header[5] = {};
  const ssize_t got = ::read(fd, header, sizeof header);
  if (got != static_cast<ssize_t>(sizeof header) || header[0] != kMagic || header[1] != kVersion) {
    ::close(fd);
    throw InputError(path + ": not a reerisk checkpoint (or from another version); delete it "
                            "to start the sweep afresh");
  }
  if (header[2] != fingerprint || header[3] != n_points || header[4] != tally_size) {
    ::close(fd);
    throw InputError(path + ": this checkpoint belongs to a different run (scenario text, seed, "
                            "--paths, --until-halfwidth or --batch differ); resume with the same "
                            "settings, or delete it to start afresh");
  }
  const std::size_t words = static_cast<std::size_t>(tally_size) + 3;
  std::vector<std::uint64_t> record(words);
  off_t good = static_cast<off_t>(sizeof header);
  for (;;) {
    ssize_t n = 0, total = 0;
    const auto bytes = static_cast<ssize_t>(words * sizeof(std::uint64_t));
    while (total < bytes && (n = ::read(fd, reinterpret_cast<char*>(record.data()) + total,
                                        static_cast<std::size_t>(bytes - total))) > 0) {
      total += n;
    }
    if (total < bytes) break;  // end of file, or a torn record
    if (fnv1a(record.data(), (words - 1) * sizeof(std::uint64_t)) != record.back() ||
        record[0] >= n_points) {
      break;  // a corrupt record ends what can be trusted
    }
    CheckpointRecord r;
    r.paths = record[1];
    r.tally.assign(record.begin() + 2, record.end() - 1);
    out[record[0]] = std::move(r);
    good += bytes;
  }
  // Cut whatever followed the last whole record, so appends continue from a clean end.
  if (::ftruncate(fd, good) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot truncate checkpoint " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  return true;
}

}  // namespace rr
