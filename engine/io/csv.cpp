#include "engine/io/csv.hpp"

#include "engine/io/scenario.hpp"

#include <algorithm>
#include <utility>

namespace parcours::io {

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - header.begin());
}

void CsvTable::fail_at(std::size_t row, std::size_t column, const std::string& message) const {
  const CsvPosition& at = cell_starts.at(row).at(column);
  throw ScenarioError(file, at.line, at.column, header.at(column), message);
}

namespace {

// Walks the text byte by byte, keeping the line and the column in code points.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  [[nodiscard]] bool at_end() const { return i_ >= text_.size(); }

  [[nodiscard]] bool at(char c) const { return !at_end() && text_[i_] == c; }

  // LF, CRLF, or a CR that ends the file.
  [[nodiscard]] bool at_line_end() const {
    return at('\n') || (at('\r') && (i_ + 1 == text_.size() || text_[i_ + 1] == '\n'));
  }

  [[nodiscard]] CsvPosition position() const { return {line_, column_}; }

  char take() {
    const char c = text_[i_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
      ++column_;  // continuation bytes belong to the code point already counted
    }
    return c;
  }

  void skip_line_end() {
    if (at('\r')) {
      (void)take();
    }
    if (at('\n')) {
      (void)take();
    }
  }

 private:
  std::string_view text_;
  std::size_t i_ = 0;
  int line_ = 1;
  int column_ = 1;
};

struct Record {
  int line = 0;
  std::vector<std::string> cells;
  std::vector<CsvPosition> starts;
};

[[noreturn]] void fail(const std::string& file, CsvPosition at, const std::string& message) {
  throw ScenarioError(file, at.line, at.column, "", message);
}

// One record from the cursor, which stands at its first character (not on an empty line).
Record read_record(Cursor& cur, const std::string& file) {
  Record rec;
  rec.line = cur.position().line;
  for (;;) {
    const CsvPosition start = cur.position();
    std::string cell;
    if (cur.at('"')) {
      (void)cur.take();
      for (;;) {
        if (cur.at_end()) {
          fail(file, start,
               "unterminated quoted field: no closing quote before the end of the file");
        }
        const char c = cur.take();
        if (c == '"') {
          if (!cur.at('"')) {
            break;
          }
          (void)cur.take();  // "" stands for one quote
        }
        cell += c;
      }
      if (!cur.at_end() && !cur.at(',') && !cur.at_line_end()) {
        fail(file, cur.position(), "expected a comma or the end of the line after a closing quote");
      }
    } else {
      while (!cur.at_end() && !cur.at(',') && !cur.at_line_end()) {
        if (cur.at('"')) {
          fail(file, cur.position(),
               "a quote inside an unquoted field: quote the whole field and write the quote "
               "twice (\"\")");
        }
        cell += cur.take();
      }
    }
    rec.cells.push_back(std::move(cell));
    rec.starts.push_back(start);
    if (!cur.at(',')) {
      cur.skip_line_end();
      return rec;
    }
    (void)cur.take();
  }
}

}  // namespace

CsvTable parse_csv(std::string_view text, std::string file) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.starts_with(kByteOrderMark)) {
    text.remove_prefix(kByteOrderMark.size());
  }
  CsvTable table;
  table.file = std::move(file);
  Cursor cur(text);
  bool have_header = false;
  while (!cur.at_end()) {
    if (cur.at_line_end()) {
      cur.skip_line_end();
      continue;
    }
    Record rec = read_record(cur, table.file);
    if (!have_header) {
      for (std::size_t c = 0; c < rec.cells.size(); ++c) {
        if (rec.cells[c].empty()) {
          fail(table.file, rec.starts[c], "empty column name in the header");
        }
        if (std::find(rec.cells.begin(), rec.cells.begin() + static_cast<std::ptrdiff_t>(c),
                      rec.cells[c]) != rec.cells.begin() + static_cast<std::ptrdiff_t>(c)) {
          fail(table.file, rec.starts[c],
               "duplicate column \"" + rec.cells[c] + "\" in the header (names must be unique)");
        }
      }
      table.header = std::move(rec.cells);
      table.header_line = rec.line;
      have_header = true;
      continue;
    }
    const std::size_t n = table.header.size();
    if (rec.cells.size() != n) {
      const std::string message = "expected " + std::to_string(n) +
                                  " cells (one per header column), got " +
                                  std::to_string(rec.cells.size());
      fail(table.file, rec.cells.size() > n ? rec.starts[n] : CsvPosition{rec.line, 1}, message);
    }
    table.rows.push_back(std::move(rec.cells));
    table.row_lines.push_back(rec.line);
    table.cell_starts.push_back(std::move(rec.starts));
  }
  if (!have_header) {
    throw ScenarioError(table.file, 0, 0, "", "empty file: expected a header row of column names");
  }
  return table;
}

}  // namespace parcours::io
