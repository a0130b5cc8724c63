// Invariant checks: PARCOURS_CHECK is on in every build, PARCOURS_DCHECK only outside Release.
// A failed check is a bug in Parcours, not bad input: it throws core::InvariantError.
#pragma once

#include <stdexcept>
#include <string>

namespace parcours::core {

/// Thrown when an internal invariant is broken. Bad input raises io::ScenarioError instead.
class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void fail_check(const char* condition, const std::string& message, const char* file,
                             int line);

}  // namespace parcours::core

#define PARCOURS_CHECK(cond, message)                                     \
  do {                                                                    \
    if (!(cond)) [[unlikely]] {                                           \
      ::parcours::core::fail_check(#cond, (message), __FILE__, __LINE__); \
    }                                                                     \
  } while (false)

#ifdef NDEBUG
#define PARCOURS_DCHECK(cond, message) \
  do {                                 \
  } while (false)
#else
#define PARCOURS_DCHECK(cond, message) PARCOURS_CHECK(cond, message)
#endif
