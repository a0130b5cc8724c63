// The two halves of io::write_results, exposed so tests can inject a failure between them (the
// layout of a results file, and the atomic replace-by-rename around it), and the waiting-time
// percentile the file reports, exposed so tests can pin its edge cases.
// Defined in engine/io/results_file.cpp.
#pragma once

#include "engine/io/results_file.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>

namespace parcours::io::internal {

/// The q-percentile of a histogram of waits in whole months, q = numerator / denominator in
/// (0, 1]: the smallest month m such that bins[0] + ... + bins[m] >= q * total, compared exactly
/// (in integers: (bins[0] + ... + bins[m]) * denominator >= numerator * total). NaN when the
/// total is 0. The last bin holds waits of that many months or more, so a result equal to its
/// month reads "that many months or more".
[[nodiscard]] double wait_percentile_months(std::span<const std::int64_t> bins,
                                            std::int64_t numerator, std::int64_t denominator);

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
