// Scenario files: TOML in, a checked model and run settings out. `extends` chains, `--set`
// overrides and every validation error (with file:line:column, key and what was expected)
// live here; docs/scenario-format.md documents every key.
#pragma once

#include "engine/funding/books.hpp"
#include "engine/funding/envelopes.hpp"
#include "engine/model/params.hpp"

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace parcours::io {

/// Bad input. what() is one line: "FILE:LINE:COLUMN: KEY: MESSAGE" (line and column left out
/// when unknown, e.g. for a missing file). The CLI prints it and exits with status 2.
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string file, int line, int column, std::string key, std::string message);

  const std::string& file() const noexcept { return file_; }

  int line() const noexcept { return line_; }

  int column() const noexcept { return column_; }

  const std::string& key() const noexcept { return key_; }

  const std::string& message() const noexcept { return message_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string key_;
  std::string message_;
};

/// A calendar date (the scenario's start).
struct Date {
  int year = 2025;
  int month = 1;
  int day = 1;
};

/// A loaded, validated scenario.
struct Scenario {
  std::string path;  // as given
  std::string text;  // effective scenario as TOML: after `extends` and overrides
  std::string name;
  std::string description;
  Date start_date;
  std::uint64_t seed = 1;
  int replications = 1;
  model::Model model;
  funding::Scheme funding;  // payers, services' money and the funding rules
  // Regional envelopes, and what they granted of the places the policy timeline asks for
  // (model.capacity_changes holds the changes in force).
  std::vector<funding::Envelope> envelopes;
  funding::Grants grants;
};

/// Reads, merges (`extends`), overrides (`key=value` strings, dotted keys, TOML values) and
/// validates a scenario. Throws ScenarioError on any bad input.
[[nodiscard]] Scenario load_scenario(const std::filesystem::path& path,
                                     const std::vector<std::string>& overrides = {});

}  // namespace parcours::io
