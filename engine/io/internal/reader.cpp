#include "engine/io/internal/reader.hpp"

#include "engine/model/pathway_check.hpp"

#include <array>
#include <cerrno>
#include <fstream>
#include <sstream>

namespace parcours::io::internal {

namespace fs = std::filesystem;

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal-string-alignment distance, case-insensitive: a swapped pair of letters costs 1.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) {
    d[i][0] = i;
  }
  for (std::size_t j = 0; j <= m; ++j) {
    d[0][j] = j;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

}  // namespace

std::string format_number(double v) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc{} ? std::string(buf.data(), end) : std::string("?");
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string join_quoted(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ", ") + in_quotes(item);
  }
  return out;
}

std::string child_key(const std::string& path, std::string_view key) {
  std::string seg = model::key_segment(key);
  return path.empty() ? seg : path + "." + seg;
}

std::string item_key(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string suggestion(std::string_view got, const std::vector<std::string>& candidates,
                       std::string_view what) {
  std::size_t best = std::numeric_limits<std::size_t>::max();
  const std::string* best_name = nullptr;
  for (const auto& c : candidates) {
    const std::size_t dist = edit_distance(got, c);
    if (dist < best) {
      best = dist;
      best_name = &c;
    }
  }
  if (best_name != nullptr && best <= 2 && best * 2 <= best_name->size()) {
    return "; did you mean " + in_quotes(*best_name) + "?";
  }
  // A long list (a hundred département codes) would bury the message: show the first ones.
  constexpr std::size_t kMaxListed = 20;
  if (candidates.size() > kMaxListed) {
    const std::vector<std::string> first(
        candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(kMaxListed));
    return "; " + std::string(what) + ": " + join_quoted(first) + " and " +
           std::to_string(candidates.size() - kMaxListed) + " more";
  }
  return "; " + std::string(what) + ": " + join_quoted(candidates);
}

Where where_of(const toml::source_region& src, const std::string& fallback_file) {
  std::string file = src.path ? *src.path : fallback_file;
  if (file.empty()) {
    file = fallback_file;
  }
  // A value from --set has no meaningful line: the override itself is the location.
  if (std::string_view(file).starts_with(kSetPrefix) || src.begin.line == 0) {
    return {file, 0, 0};
  }
  return {file, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

[[noreturn]] void fail_at(const Where& w, std::string key, std::string message) {
  throw ScenarioError(w.file, w.line, w.column, std::move(key), std::move(message));
}

std::optional<std::string> read_text(const fs::path& path, std::string& error) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    error = std::make_error_code(std::errc::is_a_directory).message();
    return std::nullopt;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::error_code(errno != 0 ? errno : ENOENT, std::generic_category()).message();
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string value_text(const toml::node& n) {
  std::ostringstream os;
  switch (n.type()) {
    case toml::node_type::string: {
      constexpr std::size_t kMaxShown = 60;  // a whole paragraph would drown the message
      const std::string& v = n.as_string()->get();
      return in_quotes(v.size() > kMaxShown ? v.substr(0, kMaxShown) + "..." : v);
    }
    case toml::node_type::integer:
      return std::to_string(n.as_integer()->get());
    case toml::node_type::floating_point: {
      // 5.0 stays 5.0, so "got a float (5.0)" reads as the float it is.
      std::string text = format_number(n.as_floating_point()->get());
      if (text.find_first_of(".eni") == std::string::npos) {
        text += ".0";
      }
      return text;
    }
    case toml::node_type::boolean:
      return n.as_boolean()->get() ? "true" : "false";
    case toml::node_type::date:
      os << n.as_date()->get();
      return os.str();
    case toml::node_type::time:
      os << n.as_time()->get();
      return os.str();
    case toml::node_type::date_time:
      os << n.as_date_time()->get();
      return os.str();
    default:
      return {};
  }
}

std::string type_phrase(const toml::node& n) {
  std::string kind;
  switch (n.type()) {
    case toml::node_type::string:
      kind = "a string";
      break;
    case toml::node_type::integer:
      kind = "an integer";
      break;
    case toml::node_type::floating_point:
      kind = "a float";
      break;
    case toml::node_type::boolean:
      kind = "a boolean";
      break;
    case toml::node_type::date:
      kind = "a date";
      break;
    case toml::node_type::time:
      kind = "a time";
      break;
    case toml::node_type::date_time:
      kind = "a date-time";
      break;
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "nothing";
  }
  return kind + " (" + value_text(n) + ")";
}

std::string integer_range(std::int64_t lo, std::int64_t hi) {
  if (hi >= kHugeInteger) {
    return "an integer >= " + std::to_string(lo);
  }
  return "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

fs::path data_path(const toml::node& n, const std::string& top_file) {
  const std::string file = where_of(n.source(), top_file).file;
  const fs::path folder =
      std::string_view(file).starts_with(kSetPrefix) ? fs::path() : fs::path(file).parent_path();
  return (folder / fs::path(n.as_string()->get())).lexically_normal();
}

CsvTable read_data_table(const Reader& r, const toml::node& n, const std::string& key) {
  const std::string value = r.string(n, key);
  if (value.empty()) {
    r.fail(n, key, "expected a non-empty string (the path of a CSV file), got \"\"");
  }
  const fs::path path = data_path(n, r.top_file());
  std::string error;
  std::optional<std::string> text = read_text(path, error);
  if (!text) {
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    r.fail(n, key,
           "cannot read " + in_quotes(value) + " (resolved to " +
               (ec ? path : absolute.lexically_normal()).string() + "): " + error);
  }
  return parse_csv(*text, path.string());
}

std::size_t required_column(const CsvTable& csv, const std::string& name, std::string_view why,
                            const std::vector<std::string>& required) {
  if (const std::optional<std::size_t> c = csv.column(name)) {
    return *c;
  }
  std::vector<std::string> others;
  for (const std::string& h : csv.header) {
    if (std::find(required.begin(), required.end(), h) == required.end()) {
      others.push_back(h);
    }
  }
  std::string hint = suggestion(name, others, "");
  if (!hint.starts_with("; did you mean")) {
    hint = "; the header has: " + join_quoted(csv.header);
  }
  throw ScenarioError(csv.file, csv.header_line, 1, name,
                      "missing column (" + std::string(why) + ")" + hint);
}

}  // namespace parcours::io::internal
