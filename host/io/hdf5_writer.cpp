// The atomic HDF5 file write shared by every reerisk writer.
#include "io/hdf5_writer.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "errors.hpp"
#include "io/result_file.hpp"
#include "reerisk/version.hpp"

namespace rr {
namespace hdf5 {

namespace {
/// Removes "<path>.tmp-<pid>" files whose writer process no longer exists.
void remove_stale_temporaries(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  const std::string prefix =
      (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp-";
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(pid_text);
    if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::remove((dir + "/" + name).c_str());
    }
  }
  closedir(d);
}
}  // namespace

void attr_provenance(hid_t file, const char* filetype, int format_version) {
  attr_string(file, "filetype", filetype);
  attr_scalar(file, "format_version", H5T_NATIVE_INT, format_version);
  attr_string(file, "reerisk_version", kVersion);
  attr_string(file, "git_sha", kGitSha);
}

void write_file_atomically(const std::string& path, bool force,
                           const std::atomic<int>* stop_signal,
                           const std::function<void(hid_t)>& contents) {
  check_output_path(path, force);
  remove_stale_temporaries(path);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not stderr noise

  // Build the whole file in memory (HDF5 core driver, no backing store) and write its image
  // ourselves: a failing disk (full, quota, file-size limit) then surfaces as one checked
  // write() error instead of a half-closed HDF5 file.
  std::vector<unsigned char> image;
  {
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "file access list");
    check(H5Pset_fapl_core(fapl, 1 << 20, 0), "H5Pset_fapl_core");
    Handle file(H5Fcreate("reerisk-result-in-memory", H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose,
                "in-memory file");
    contents(file);
    check(H5Fflush(file, H5F_SCOPE_GLOBAL), "H5Fflush");
    const ssize_t size = H5Fget_file_image(file, nullptr, 0);
    if (size <= 0) throw std::runtime_error("HDF5: cannot size the file image");
    image.resize(static_cast<size_t>(size));
    if (H5Fget_file_image(file, image.data(), image.size()) != size) {
      throw std::runtime_error("HDF5: cannot copy the file image");
    }
  }

  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
  try {
    size_t done = 0;
    while (done < image.size()) {
      const ssize_t n = write(fd, image.data() + done, image.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        throw std::runtime_error("cannot write " + path + " (" + std::to_string(image.size()) +
                                 " bytes): " + std::strerror(n < 0 ? errno : ENOSPC));
      }
      done += static_cast<size_t>(n);
    }
    if (fsync(fd) != 0) throw std::runtime_error("cannot sync " + tmp + ": " + std::strerror(errno));
    if (close(fd) != 0) {
      throw std::runtime_error("cannot close " + tmp + ": " + std::strerror(errno));
    }
  } catch (...) {
    close(fd);
    std::remove(tmp.c_str());
    throw;
  }
  if ((stop_signal && stop_signal->load() != 0) || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    if (stop_signal && stop_signal->load() != 0) throw Interrupted(stop_signal->load());
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(err));
  }
}

}  // namespace hdf5
}  // namespace rr
