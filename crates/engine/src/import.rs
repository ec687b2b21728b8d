//! CSV imports (mappings, seat assignments): read with a header row, each row checked on its
//! own so a preview can show every row's problems before anything is applied.

use serde::Serialize;

/// At most this many rows per import: a preview shows each one.
pub const MAX_ROWS: usize = 5_000;

/// What is wrong with a whole file, before any row is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("the CSV is empty: paste rows under a header line naming the columns")]
    Empty,
    #[error("the header has no `{0}` column: the first line must name the columns, e.g. {1}")]
    MissingColumn(&'static str, String),
    #[error("the header names an unknown column `{0}`: use only {1}")]
    UnknownColumn(String, String),
    #[error("the header names the column `{0}` twice: keep one")]
    DuplicateColumn(String),
    #[error("line {line}: {message} — fix the quoting or save the file as UTF-8 CSV")]
    Unreadable { line: u64, message: String },
    #[error("more than {MAX_ROWS} rows: split the file")]
    TooManyRows,
}

impl FileProblem {
    /// A stable code for translated messages.
    pub fn code(&self) -> &'static str {
        match self {
            FileProblem::Empty => "empty",
            FileProblem::MissingColumn(..) => "missing-column",
            FileProblem::UnknownColumn(..) => "unknown-column",
            FileProblem::DuplicateColumn(_) => "duplicate-column",
            FileProblem::Unreadable { .. } => "unreadable",
            FileProblem::TooManyRows => "too-many-rows",
        }
    }

    /// The message's arguments, by name.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            FileProblem::Empty | FileProblem::TooManyRows => vec![("max", MAX_ROWS.to_string())],
            FileProblem::MissingColumn(c, all) => vec![("column", (*c).to_owned()), ("columns", all.clone())],
            FileProblem::UnknownColumn(c, all) => vec![("column", c.clone()), ("columns", all.clone())],
            FileProblem::DuplicateColumn(c) => vec![("column", c.clone())],
            FileProblem::Unreadable { line, message } => {
                vec![("line", line.to_string()), ("message", message.clone())]
            }
        }
    }
}

/// One data row: its line in the file and its cells by column name (absent columns empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvRow {
    pub line_no: u64,
    cells: Vec<(&'static str, String)>,
}

impl CsvRow {
    /// The cell of `column`, trimmed; empty when the file has no such column.
    pub fn get(&self, column: &str) -> &str {
        self.cells
            .iter()
            .find(|(c, _)| *c == column)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Reads `text` as CSV whose header names some of `columns` (any order, any letter case) and
/// all of `required`. A cell our export guarded against formula injection (`'=…`) is read
/// back without the guard.
pub fn read_rows(
    text: &str,
    columns: &'static [&'static str],
    required: &[&'static str],
) -> Result<Vec<CsvRow>, FileProblem> {
    let all = columns.join(",");
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(unreadable)?.clone();
    if header.iter().all(str::is_empty) {
        return Err(FileProblem::Empty);
    }
    let mut index: Vec<&'static str> = Vec::new();
    for name in header.iter() {
        let lower = name.to_lowercase();
        let Some(column) = columns.iter().find(|c| **c == lower) else {
            return Err(FileProblem::UnknownColumn(name.to_owned(), all));
        };
        if index.contains(column) {
            return Err(FileProblem::DuplicateColumn(name.to_owned()));
        }
        index.push(column);
    }
    if let Some(missing) = required.iter().find(|r| !index.contains(r)) {
        return Err(FileProblem::MissingColumn(missing, all));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(unreadable)?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        let line_no = record.position().map_or(0, |p| line_at(text, p.byte()));
        let cells = index
            .iter()
            .zip(record.iter())
            .map(|(c, v)| (*c, unguard(v).to_owned()))
            .collect();
        rows.push(CsvRow { line_no, cells });
    }
    if rows.is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok(rows)
}

/// The line (from 1) a record starting at `byte` is on. The reader's own count, and its
/// offset, are of the blank lines before the record.
fn line_at(text: &str, byte: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut end = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    while bytes.get(end).is_some_and(|b| matches!(b, b'\n' | b'\r')) {
        end += 1;
    }
    let newlines = bytes[..end].iter().filter(|b| **b == b'\n').count();
    u64::try_from(newlines).unwrap_or(u64::MAX) + 1
}

fn unreadable(e: csv::Error) -> FileProblem {
    FileProblem::Unreadable {
        line: e.position().map_or(1, csv::Position::line),
        message: e.to_string(),
    }
}

/// A cell as a spreadsheet cannot run it: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read as a formula (OWASP "CSV injection"), so it gets a `'`.
pub fn guard(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(FORMULA) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn unguard(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA) => rest,
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[&str] = &["a", "b", "c"];

    #[test]
    fn rows_are_read_by_header_name_with_their_line() {
        let rows = read_rows("B,a\n x ,1\n\n'=2,3\n", COLS, &["a"]).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].line_no, rows[0].get("a"), rows[0].get("b")), (2, "1", "x"));
        assert_eq!((rows[1].line_no, rows[1].get("b"), rows[1].get("c")), (4, "=2", ""));
    }

    #[test]
    fn a_bad_header_is_refused_before_any_row() {
        assert_eq!(read_rows("", COLS, &[]), Err(FileProblem::Empty));
        assert_eq!(read_rows("a,b\n", COLS, &[]), Err(FileProblem::Empty));
        assert!(matches!(
            read_rows("a,x\n1,2", COLS, &[]),
            Err(FileProblem::UnknownColumn(..))
        ));
        assert!(matches!(
            read_rows("a,A\n1,2", COLS, &[]),
            Err(FileProblem::DuplicateColumn(_))
        ));
        assert!(matches!(
            read_rows("b\n1", COLS, &["a"]),
            Err(FileProblem::MissingColumn("a", _))
        ));
    }

    #[test]
    fn the_export_guard_round_trips() {
        for v in ["=SUM(A1)", "-3", "plain", "'quoted"] {
            assert_eq!(unguard(&guard(v)), v);
        }
    }
}
