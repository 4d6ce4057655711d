//! Cells written for spreadsheets: what a CSV export must do so that a cell is read as text.
//!
//! A spreadsheet runs a cell beginning with `=`, `+`, `-` or `@` as a formula (and a leading tab
//! or carriage return lets one through some importers): a ticket title such as
//! `=HYPERLINK("http://…")` would run on the reader's machine. Such a cell is written with a
//! leading apostrophe, which spreadsheets show as text and hide.

/// The cell as it may be written safely.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The field separator of an export: `;` by default (what French Excel expects), `,` on
/// request.
pub fn separator(choice: Option<&str>) -> Option<u8> {
    match choice.map(str::trim) {
        None | Some("" | ";") => Some(b';'),
        Some(",") => Some(b','),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{neutralised, separator};

    #[test]
    fn formula_cells_are_written_as_text() {
        let cases = [
            ("=1+1", "'=1+1"),
            ("+33 6 12", "'+33 6 12"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Inscriptions = bloquées", "Inscriptions = bloquées"),
            ("", ""),
        ];
        for (cell, written) in cases {
            assert_eq!(neutralised(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn semicolon_unless_a_comma_is_asked_for() {
        assert_eq!(separator(None), Some(b';'));
        assert_eq!(separator(Some(",")), Some(b','));
        assert_eq!(separator(Some("|")), None);
    }
}
