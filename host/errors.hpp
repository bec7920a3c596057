/// @file errors.hpp
/// Exceptions that main() turns into exit codes: InputError -> 2, anything else -> 1.
#pragma once

#include <stdexcept>
#include <string>

namespace rr {

/// The user's input (scenario, options, files) is invalid; nothing was simulated.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The run was interrupted by a signal; carries the exit code to use (128 + signal).
class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal_number)
      : std::runtime_error("interrupted by signal " + std::to_string(signal_number)),
        signal_number_(signal_number) {}
  int signal_number() const { return signal_number_; }

 private:
  int signal_number_;
};

}  // namespace rr
