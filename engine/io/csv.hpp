// Comma-separated tables (RFC 4180) for the data files a scenario names: territories, land
// borders. Parsing only, with the line and column of every cell, so a bad cell is reported
// where it stands; scenario.cpp reads the file and turns cells into model values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parcours::io {

/// Where a cell starts in its file: 1-based line, and 1-based column counted in characters
/// (UTF-8 code points, as editors and the TOML reader count them).
struct CsvPosition {
  int line = 0;
  int column = 0;
};

/// A parsed CSV file: a header row of unique column names, then rows with as many cells each.
/// Cells are kept as written (no trimming); quoted cells are unquoted.
struct CsvTable {
  std::string file;  // as shown in messages
  std::vector<std::string> header;
  int header_line = 1;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> row_lines;                         // where each row starts, 1-based
  std::vector<std::vector<CsvPosition>> cell_starts;  // [row][column]: where each cell starts

  /// Index of the column called `name`; nullopt when the header has none.
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const;

  /// Throws ScenarioError at the cell [row][column], with the column's name as its key.
  [[noreturn]] void fail_at(std::size_t row, std::size_t column, const std::string& message) const;
};

/// Parses `text`, the contents of `file` (UTF-8; a byte-order mark is skipped). Fields are
/// separated by commas and rows by LF or CRLF; a field may be double-quoted, and then may hold
/// commas, line breaks and quotes written twice (""). Lines with nothing on them are skipped.
/// Throws ScenarioError (file:line:column, no key) on a malformed file: no header, an empty or
/// repeated column name, an unterminated quote, a quote inside an unquoted field, text after
/// a closing quote, or a row whose cell count differs from the header's.
[[nodiscard]] CsvTable parse_csv(std::string_view text, std::string file);

}  // namespace parcours::io
