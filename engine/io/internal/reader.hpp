// What every reader of scenario input shares: the Reader (typed access to the merged TOML, every
// error with file:line:column, key and what was expected), the message helpers (quoting, "did you
// mean") and the CSV data files a scenario names. For io's own .cpp files: toml++ stays private.
#pragma once

#include "engine/io/csv.hpp"
#include "engine/io/scenario.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace parcours::io::internal {

// The file name of a value set by `--set KEY=VALUE` starts with this.
inline constexpr std::string_view kSetPrefix = "--set ";
inline constexpr double kInf = std::numeric_limits<double>::infinity();
// Upper bounds this large are guards, not part of what a reader needs to be told.
inline constexpr std::int64_t kHugeInteger = std::numeric_limits<int>::max();

// ---------------------------------------------------------------------------------------------
// Small text helpers

/// Shortest text that reads back as `v`.
[[nodiscard]] std::string format_number(double v);

[[nodiscard]] std::string in_quotes(std::string_view s);

/// "a", "b", "c": each quoted, separated by commas.
[[nodiscard]] std::string join_quoted(const std::vector<std::string>& items);

/// `path.key`, the key quoted when TOML needs it.
[[nodiscard]] std::string child_key(const std::string& path, std::string_view key);

/// `path[index]`.
[[nodiscard]] std::string item_key(const std::string& path, std::size_t index);

/// "; did you mean "x"?" when one candidate is close, otherwise "; <what>: a, b, c".
[[nodiscard]] std::string suggestion(std::string_view got,
                                     const std::vector<std::string>& candidates,
                                     std::string_view what);

// ---------------------------------------------------------------------------------------------
// Positions

struct Where {
  std::string file;
  int line = 0;
  int column = 0;
};

/// Where a TOML value came from: its file (`--set KEY=VALUE` for an override, then no line).
[[nodiscard]] Where where_of(const toml::source_region& src, const std::string& fallback_file);

[[noreturn]] void fail_at(const Where& w, std::string key, std::string message);

/// The whole of a file; nullopt with `error` set when it cannot be read.
[[nodiscard]] std::optional<std::string> read_text(const std::filesystem::path& path,
                                                   std::string& error);

// ---------------------------------------------------------------------------------------------
// Typed access with messages

struct NumberRange {
  double lo = -kInf;
  bool lo_inclusive = true;
  double hi = kInf;
  bool hi_inclusive = true;

  [[nodiscard]] bool contains(double v) const {
    return (lo_inclusive ? v >= lo : v > lo) && (hi_inclusive ? v <= hi : v < hi);
  }

  [[nodiscard]] std::string describe() const {
    if (lo == -kInf && hi == kInf) {
      return "a number";
    }
    if (hi == kInf) {
      return std::string("a number ") + (lo_inclusive ? ">= " : "> ") + format_number(lo);
    }
    if (lo == -kInf) {
      return std::string("a number ") + (hi_inclusive ? "<= " : "< ") + format_number(hi);
    }
    return std::string("a number in ") + (lo_inclusive ? "[" : "(") + format_number(lo) + ", " +
           format_number(hi) + (hi_inclusive ? "]" : ")");
  }
};

inline constexpr NumberRange kAnyNumber{};
inline constexpr NumberRange kNonNegative{0.0, true, kInf, true};
inline constexpr NumberRange kPositive{0.0, false, kInf, true};
inline constexpr NumberRange kProbability{0.0, true, 1.0, true};

/// A value as the scenario wrote it, for messages.
[[nodiscard]] std::string value_text(const toml::node& n);

/// "a string ("x")", "an integer (3)", "a table"...: what was found, for messages.
[[nodiscard]] std::string type_phrase(const toml::node& n);

[[nodiscard]] std::string integer_range(std::int64_t lo, std::int64_t hi);

// Reads one scenario's merged table into the public structs. Every error names the key path and
// the position of the offending key or value.
class Reader {
 public:
  explicit Reader(std::string top_file) : top_file_(std::move(top_file)) {}

  [[noreturn]] void fail(const toml::node& n, const std::string& key,
                         const std::string& message) const {
    fail_at(where_of(n.source(), top_file_), key, message);
  }

  [[noreturn]] void fail_key(const toml::key& k, const std::string& key,
                             const std::string& message) const {
    fail_at(where_of(k.source(), top_file_), key, message);
  }

  [[noreturn]] void fail_missing(const toml::table& t, const std::string& key,
                                 const std::string& expected) const {
    const Where w = is_root(t) ? Where{top_file_, 0, 0} : where_of(t.source(), top_file_);
    fail_at(w, key, "missing required key (expected " + expected + ")");
  }

  void set_root(const toml::table& root) { root_ = &root; }

  [[nodiscard]] bool is_root(const toml::table& t) const { return &t == root_; }

  [[nodiscard]] const std::string& top_file() const { return top_file_; }

  void check_keys(const toml::table& t, const std::string& path,
                  const std::vector<std::string>& accepted) const {
    for (auto&& [key, value] : t) {
      if (std::find(accepted.begin(), accepted.end(), key.str()) == accepted.end()) {
        fail_key(key, child_key(path, key.str()),
                 "unknown key " + in_quotes(key.str()) +
                     suggestion(key.str(), accepted, "accepted keys"));
      }
    }
  }

  [[nodiscard]] const toml::table& table(const toml::node& n, const std::string& path,
                                         std::string_view expected = "a table") const {
    const toml::table* t = n.as_table();
    if (t == nullptr) {
      fail(n, path, "expected " + std::string(expected) + ", got " + type_phrase(n));
    }
    return *t;
  }

  [[nodiscard]] const toml::table& required_table(const toml::table& parent,
                                                  const std::string& path,
                                                  std::string_view key) const {
    const toml::node* n = parent.get(key);
    if (n == nullptr) {
      fail_missing(parent, child_key(path, key), "a table");
    }
    return table(*n, child_key(path, key));
  }

  [[nodiscard]] const toml::array& array(const toml::node& n, const std::string& path,
                                         const std::string& expected) const {
    const toml::array* a = n.as_array();
    if (a == nullptr) {
      fail(n, path, "expected " + expected + ", got " + type_phrase(n));
    }
    return *a;
  }

  [[nodiscard]] std::string string(const toml::node& n, const std::string& path) const {
    const auto* s = n.as_string();
    if (s == nullptr) {
      fail(n, path, "expected a string, got " + type_phrase(n));
    }
    return s->get();
  }

  [[nodiscard]] bool boolean(const toml::node& n, const std::string& path) const {
    const auto* b = n.as_boolean();
    if (b == nullptr) {
      fail(n, path, "expected true or false, got " + type_phrase(n));
    }
    return b->get();
  }

  [[nodiscard]] std::int64_t integer(const toml::node& n, const std::string& path, std::int64_t lo,
                                     std::int64_t hi) const {
    const std::string expected = integer_range(lo, hi);
    const auto* i = n.as_integer();
    if (i == nullptr) {
      fail(n, path, "expected " + expected + ", got " + type_phrase(n));
    }
    if (i->get() < lo || i->get() > hi) {
      fail(n, path,
           "expected " +
               (i->get() > hi && hi >= kHugeInteger ? "an integer <= " + std::to_string(hi)
                                                    : expected) +
               ", got " + value_text(n));
    }
    return i->get();
  }

  [[nodiscard]] double number(const toml::node& n, const std::string& path,
                              const NumberRange& range, const std::string& why = {}) const {
    const std::string expected = range.describe() + why;
    double v = 0.0;
    if (const auto* i = n.as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = n.as_floating_point()) {
      v = f->get();
    } else {
      fail(n, path, "expected " + expected + ", got " + type_phrase(n));
    }
    if (!std::isfinite(v)) {
      fail(n, path, "expected a finite number, got " + value_text(n));
    }
    if (!range.contains(v)) {
      fail(n, path, "expected " + expected + ", got " + value_text(n));
    }
    return v;
  }

  // Optional-key variants: nullopt when absent.
  [[nodiscard]] std::optional<std::int64_t> opt_integer(const toml::table& t,
                                                        const std::string& path,
                                                        std::string_view key, std::int64_t lo,
                                                        std::int64_t hi) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      return std::nullopt;
    }
    return integer(*n, child_key(path, key), lo, hi);
  }

  [[nodiscard]] std::optional<double> opt_number(const toml::table& t, const std::string& path,
                                                 std::string_view key, const NumberRange& range,
                                                 const std::string& why = {}) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      return std::nullopt;
    }
    return number(*n, child_key(path, key), range, why);
  }

  [[nodiscard]] double req_number(const toml::table& t, const std::string& path,
                                  std::string_view key, const NumberRange& range,
                                  const std::string& why = {}) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      fail_missing(t, child_key(path, key), range.describe() + why);
    }
    return number(*n, child_key(path, key), range, why);
  }

  [[nodiscard]] std::int64_t req_integer(const toml::table& t, const std::string& path,
                                         std::string_view key, std::int64_t lo,
                                         std::int64_t hi) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      fail_missing(t, child_key(path, key), integer_range(lo, hi));
    }
    return integer(*n, child_key(path, key), lo, hi);
  }

  [[nodiscard]] const toml::node& required(const toml::table& t, const std::string& path,
                                           std::string_view key,
                                           const std::string& expected) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      fail_missing(t, child_key(path, key), expected);
    }
    return *n;
  }

  // One of `names`, with a suggestion for near misses.
  [[nodiscard]] std::size_t choice(const toml::node& n, const std::string& path,
                                   const std::vector<std::string>& names,
                                   std::string_view what) const {
    const std::string s = string(n, path);
    const auto it = std::find(names.begin(), names.end(), s);
    if (it == names.end()) {
      fail(n, path,
           "unknown " + std::string(what) + " " + in_quotes(s) + suggestion(s, names, "accepted"));
    }
    return static_cast<std::size_t>(it - names.begin());
  }

 private:
  std::string top_file_;
  const toml::table* root_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Data files

// A data file named by a scenario value is relative to the folder of the file that sets the
// value (a base's value to the base's folder), or to the working directory for --set.
[[nodiscard]] std::filesystem::path data_path(const toml::node& n, const std::string& top_file);

/// The CSV file named by the string value `n` (at `key`), parsed; an error at `n` when it cannot
/// be read.
[[nodiscard]] CsvTable read_data_table(const Reader& r, const toml::node& n,
                                       const std::string& key);

// The index of a column the file must have; an error at its header line otherwise, suggesting
// a near name among the columns that are not `required` themselves.
[[nodiscard]] std::size_t required_column(const CsvTable& csv, const std::string& name,
                                          std::string_view why,
                                          const std::vector<std::string>& required);

// A number that is the whole of a CSV cell (an integer count, or a finite double); nullopt
// otherwise (empty, spaces, trailing text, out of range).
template <typename T>
[[nodiscard]] std::optional<T> parse_cell(std::string_view s) {
  T v{};
  const char* end = s.data() + s.size();
  const auto [stop, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc{} || stop != end) {
    return std::nullopt;
  }
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(v)) {
      return std::nullopt;
    }
  }
  return v;
}

// Names of `items` (providers, organisations), in order.
template <class Items>
std::vector<std::string> names_of(const Items& items) {
  std::vector<std::string> names;
  names.reserve(items.size());
  for (const auto& item : items) {
    names.push_back(item.name);
  }
  return names;
}

// A non-empty array of distinct names among `names` (a `noun`: "provider",
// "organisation"), as indices. `none` says why there is nothing to name, when `names` is empty.
template <class Id>
std::vector<Id> read_name_refs(const Reader& r, const toml::node& n, const std::string& key,
                               const std::vector<std::string>& names, const std::string& noun,
                               const std::string& none) {
  const toml::array& a = r.array(n, key, "a non-empty array of " + noun + " names");
  if (names.empty()) {
    r.fail(n, key, noun + "s need " + none);
  }
  if (a.empty()) {
    r.fail(n, key,
           "expected at least one " + noun +
               " name, got an empty array (leave the key out to select any " + noun + ")");
  }
  std::vector<Id> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string ikey = item_key(key, i);
    const std::string name = r.string(a[i], ikey);
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      r.fail(a[i], ikey,
             "unknown " + noun + " " + in_quotes(name) + suggestion(name, names, noun + "s are"));
    }
    const auto id = static_cast<Id>(it - names.begin());
    if (std::find(out.begin(), out.end(), id) != out.end()) {
      r.fail(a[i], ikey, "duplicate " + noun + " " + in_quotes(name));
    }
    out.push_back(id);
  }
  return out;
}

}  // namespace parcours::io::internal
