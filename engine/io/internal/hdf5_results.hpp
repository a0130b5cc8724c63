// The two halves of io::write_results, exposed so tests can inject a failure between them:
// the layout of a results file, and the atomic replace-by-rename around it.
// Defined in engine/io/results_file.cpp.
#pragma once

#include "engine/io/results_file.hpp"

#include <filesystem>
#include <functional>

namespace parcours::io::internal {

/// Throws core::InvariantError if `results` do not fit `scenario`'s model (sizes, labels).
void check_results(const Scenario& scenario, const run::Results& results);

/// Writes the layout of docs/output-format.md to the new file `file` (which must not exist).
/// Not atomic: write_atomically() wraps it.
void write_results_file(const std::filesystem::path& file, const Scenario& scenario,
                        const run::Results& results, const Provenance& provenance);

/// Calls `write` with a temporary path in `out`'s folder, then renames it over `out`. Before
/// anything is created, throws std::runtime_error if the folder is missing or if `out` exists
/// and !force. If `write` (or the rename) throws, removes the temporary file and rethrows.
void write_atomically(const std::filesystem::path& out, bool force,
                      const std::function<void(const std::filesystem::path&)>& write);

}  // namespace parcours::io::internal
