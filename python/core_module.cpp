// reerisk._core: the CLI's commands, called in-process from Python (python/reerisk/_api.py is
// the public face). Each function runs the same code as its subcommand, with the GIL released
// while paths run, the report captured instead of printed, and progress sent to a callable.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <csignal>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <toml++/toml.h>

#include "commands.hpp"
#include "errors.hpp"
#include "reerisk/version.hpp"

namespace py = pybind11;

namespace {

/// Calls @p callback(done, total) with the GIL held. The callable is borrowed: the caller's
/// frame keeps it alive for the whole call, and no copy of a Python object is made without
/// the GIL. An exception in it is reported as unraisable and does not stop the run.
std::function<void(std::uint64_t, std::uint64_t)> progress_hook(const py::object& callback) {
  if (callback.is_none()) return {};
  PyObject* fn = callback.ptr();
  return [fn](std::uint64_t done, std::uint64_t total) {
    py::gil_scoped_acquire gil;
    try {
      const py::handle callable(fn);
      callable(done, total);
    } catch (py::error_already_set& e) {
      e.discard_as_unraisable("reerisk progress callback");
    }
  };
}

// ---- dict -> TOML (toml++ writes it, so quoting and escapes are the library's) -------------

toml::table table_of(const py::dict& d, const std::string& where);

/// Where a converted value goes: a table under a key, or the end of an array.
template <class T>
void put(toml::table& t, const std::string& key, T&& x) {
  t.insert_or_assign(key, std::forward<T>(x));
}
template <class T>
void put(toml::array& a, const std::string&, T&& x) {
  a.push_back(std::forward<T>(x));
}

toml::array array_of(const py::handle& v, const std::string& where);

/// Converts one Python value into @p into (a table or an array). No lambdas: the recursion
/// through arrays and tables must not instantiate a new template per level.
template <class Into>
void convert(py::handle v, const std::string& where, Into& into, const std::string& key) {
  const bool is_date = py::hasattr(v, "year") && py::hasattr(v, "month") && py::hasattr(v, "day");
  if (PyBool_Check(v.ptr())) {
    put(into, key, v.cast<bool>());
  } else if (PyIndex_Check(v.ptr())) {  // int and NumPy's integers
    put(into, key, v.attr("__index__")().cast<std::int64_t>());
  } else if (PyFloat_Check(v.ptr()) ||
             (py::hasattr(v, "__float__") && !py::isinstance<py::str>(v) && !is_date)) {
    put(into, key, v.attr("__float__")().cast<double>());
  } else if (py::isinstance<py::str>(v)) {
    put(into, key, v.cast<std::string>());
  } else if (py::isinstance<py::dict>(v)) {
    put(into, key, table_of(v.cast<py::dict>(), where));
  } else if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    put(into, key, array_of(v, where));
  } else if (is_date && !py::hasattr(v, "hour")) {
    put(into, key, toml::date{v.attr("year").cast<int>(), v.attr("month").cast<unsigned>(),
                              v.attr("day").cast<unsigned>()});
  } else {
    throw py::type_error(where + ": a " + std::string(py::str(v.get_type().attr("__name__"))) +
                         " cannot be written in a scenario; allowed: dict, list, str, int, "
                         "float, bool, datetime.date");
  }
}

toml::array array_of(const py::handle& v, const std::string& where) {
  toml::array a;
  std::size_t i = 0;
  for (py::handle item : v) convert(item, where + "[" + std::to_string(i++) + "]", a, "");
  return a;
}

toml::table table_of(const py::dict& d, const std::string& where) {
  toml::table t;
  for (auto [k, v] : d) {
    if (!py::isinstance<py::str>(k)) {
      throw py::type_error(where + ": keys must be str, not " +
                           std::string(py::str(k.get_type().attr("__name__"))));
    }
    const std::string key = k.cast<std::string>();
    convert(v, where.empty() ? key : where + "." + key, t, key);
  }
  return t;
}

std::string dict_to_toml(const py::dict& d) {
  std::ostringstream out;
  out << table_of(d, "") << "\n";
  return out.str();
}

// ---- the commands -------------------------------------------------------------------------

/// What run, compare and size share: the run's settings, as the CLI's options take them.
struct RunSettings {
  std::vector<std::string> overrides;
  std::uint64_t paths = 0;
  std::int64_t seed = -1;
  int threads = 0;
  std::uint64_t batch = 0;
  bool force = false;
};

template <class Options>
void apply(const RunSettings& r, const std::string& output, Options& o) {
  o.output = output;
  o.overrides = r.overrides;
  o.paths = r.paths;
  o.seed = r.seed;
  o.threads = r.threads;
  o.batch = r.batch;
  o.force = r.force;
  o.quiet = true;  // the report is returned and progress goes to the callback
}

/// Runs @p command(o) with the GIL released and its report captured: (exit code, report).
template <class Options>
std::tuple<int, std::string> captured(int (*command)(const Options&), Options& o,
                                      const py::object& progress) {
  std::ostringstream report;
  o.host.out = &report;
  o.host.progress = progress_hook(progress);
  int code = 0;
  {
    py::gil_scoped_release release;
    code = command(o);
  }
  return {code, report.str()};
}

std::string run(const std::string& scenario, const std::string& text, const std::string& output,
                const RunSettings& settings, const std::string& backend, std::uint64_t keep_paths,
                const py::object& progress) {
  rr::RunCommandOptions o;
  apply(settings, output, o);
  o.scenario = scenario;
  o.host.scenario_text = text;
  o.backend = backend;
  o.keep_paths = keep_paths;
  return std::get<1>(captured(&rr::run_run_command, o, progress));
}

std::string validate(const std::string& scenario, const std::string& text,
                     const std::vector<std::string>& overrides) {
  rr::ValidateCommandOptions o;
  o.scenario = scenario;
  o.overrides = overrides;
  o.host.scenario_text = text;
  std::ostringstream report;
  o.host.out = &report;
  rr::run_validate_command(o);
  return report.str();
}

std::string compare(const std::string& base, const std::string& base_text, const std::string& alt,
                    const std::string& alt_text, const std::string& output,
                    const RunSettings& settings, const std::vector<std::string>& alt_overrides,
                    const py::object& progress) {
  rr::CompareCommandOptions o;
  apply(settings, output, o);
  o.base = base;
  o.alt = alt;
  o.alt_overrides = alt_overrides;
  o.host.scenario_text = base_text;
  o.host.alt_text = alt_text;
  return std::get<1>(captured(&rr::run_compare_command, o, progress));
}

std::tuple<int, std::string> size(const std::string& scenario, const std::string& text,
                                  const std::string& output, const RunSettings& settings,
                                  double risk, std::int32_t within,
                                  const std::vector<std::string>& segments) {
  rr::SizeCommandOptions o;
  apply(settings, output, o);
  o.scenario = scenario;
  o.host.scenario_text = text;
  o.risk = risk;
  o.within = within;
  o.segments = segments;
  return captured(&rr::run_size_command, o, py::none());
}

/// The keyword arguments every run-like function takes, gathered into RunSettings.
RunSettings settings(std::vector<std::string> overrides, std::uint64_t paths, std::int64_t seed,
                     int threads, std::uint64_t batch, bool force) {
  return RunSettings{std::move(overrides), paths, seed, threads, batch, force};
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "reerisk's engine, in-process (use the reerisk package, not this module)";
  static py::exception<rr::InputError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const rr::InputError& e) {
      input_error(e.what());
    } catch (const rr::Interrupted& e) {
      // Ctrl-C in a notebook or terminal: the run stopped within one path and wrote nothing.
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    }
  });
  m.def("version", [] {
    return std::string("reerisk ") + rr::kVersion + " (git " + rr::kGitSha + ", " +
           (rr::kBuiltWithCuda ? "CPU + CUDA backends" : "CPU backend only") + ")";
  });
  m.def("dict_to_toml", &dict_to_toml, py::arg("scenario"));
  using py::arg;
  using Strings = std::vector<std::string>;
  m.def("run",
        [](const std::string& scenario, const std::string& text, const std::string& output,
           Strings overrides, std::uint64_t paths, std::int64_t seed, const std::string& backend,
           int threads, std::uint64_t batch, std::uint64_t keep_paths, bool force,
           const py::object& progress) {
          return run(scenario, text, output, settings(std::move(overrides), paths, seed, threads,
                                                      batch, force),
                     backend, keep_paths, progress);
        },
        arg("scenario"), arg("text"), arg("output"), py::kw_only(), arg("overrides"),
        arg("paths"), arg("seed"), arg("backend"), arg("threads"), arg("batch"), arg("keep_paths"),
        arg("force"), arg("progress"));
  m.def("validate", &validate, arg("scenario"), arg("text"), arg("overrides"));
  m.def("compare",
        [](const std::string& base, const std::string& base_text, const std::string& alt,
           const std::string& alt_text, const std::string& output, Strings overrides,
           const Strings& alt_overrides, std::uint64_t paths, std::int64_t seed, int threads,
           std::uint64_t batch, bool force, const py::object& progress) {
          return compare(base, base_text, alt, alt_text, output,
                         settings(std::move(overrides), paths, seed, threads, batch, force),
                         alt_overrides, progress);
        },
        arg("base"), arg("base_text"), arg("alt"), arg("alt_text"), arg("output"), py::kw_only(),
        arg("overrides"), arg("alt_overrides"), arg("paths"), arg("seed"), arg("threads"),
        arg("batch"), arg("force"), arg("progress"));
  m.def("size",
        [](const std::string& scenario, const std::string& text, const std::string& output,
           double risk, std::int32_t within, const Strings& segments, Strings overrides,
           std::uint64_t paths, std::int64_t seed, int threads, std::uint64_t batch, bool force) {
          return size(scenario, text, output,
                      settings(std::move(overrides), paths, seed, threads, batch, force), risk,
                      within, segments);
        },
        arg("scenario"), arg("text"), arg("output"), py::kw_only(), arg("risk"), arg("within"),
        arg("segments"), arg("overrides"), arg("paths"), arg("seed"), arg("threads"),
        arg("batch"), arg("force"));
}
