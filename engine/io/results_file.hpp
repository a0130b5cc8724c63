// HDF5 results: one file per run, indicators as datasets over labelled dimension scales
// (replication, year or month, territory, service, region) that h5py, xarray (h5netcdf) and
// ncdump read with their labels. docs/output-format.md documents every dataset.
#pragma once

#include "engine/io/scenario.hpp"
#include "engine/run/runner.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace parcours::io {

/// Where a run came from: recorded in the file's root attributes.
struct Provenance {
  std::string engine_version;
  std::string git_commit;
  std::string build_type;
  std::string command_line;
  std::string started_at;   // ISO 8601 UTC
  std::string finished_at;  // ISO 8601 UTC
  int threads = 1;
};

/// Writes `results` of `scenario` to `out` atomically: a temporary file in the same folder,
/// renamed on success; on any failure the temporary is removed and `out` is untouched.
/// Refuses (std::runtime_error, nothing written) to replace an existing `out` unless `force`.
void write_results(const std::filesystem::path& out, const Scenario& scenario,
                   const run::Results& results, const Provenance& provenance, bool force);

}  // namespace parcours::io
