// Consistency checks of a whole pathway model: every service's occupants can eventually leave
// the sector, and everyone sent somewhere can be admitted before the target's age limit.
// Problems name the offending setting by its dotted scenario key so io can point into the file.
#pragma once

#include "engine/model/params.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace parcours::model {

/// One inconsistency. `key` is the dotted path of the setting to blame, as a scenario file
/// spells it (e.g. `services.SESSAD.on_stay_end[0].to`, `arrivals.orientation.IME`); names that
/// are not bare TOML keys are quoted (`services."Foyer de vie".places`).
struct PathwayProblem {
  std::string key;
  std::string message;
};

/// All pathway problems of `model`, most basic first (bad targets, empty age bands, services
/// with no way out, branches or orientations that only send people at or above the target's
/// age limit). Empty when the model is consistent.
/// A service that nothing sends anyone to is not a problem: it is a legitimate policy variant.
[[nodiscard]] std::vector<PathwayProblem> check_pathways(const Model& model);

/// `name` as one segment of a dotted key: unchanged when it is a bare TOML key
/// (A-Z a-z 0-9 _ -), otherwise a quoted TOML basic string.
[[nodiscard]] std::string key_segment(std::string_view name);

/// `text` as a quoted TOML basic string (quotes, backslashes and control characters escaped).
[[nodiscard]] std::string quoted_string(std::string_view text);

}  // namespace parcours::model
