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

/// Writes records with an export's separator, every cell neutralised.
#[derive(Debug, Clone, Copy)]
pub struct Sheet {
    separator: u8,
}

impl Sheet {
    /// The sheet of a separator choice (see [`separator`]); none for a separator not offered.
    pub fn new(choice: Option<&str>) -> Option<Self> {
        separator(choice).map(|separator| Self { separator })
    }

    /// The records as CSV lines.
    pub fn write(self, rows: impl IntoIterator<Item = Vec<String>>) -> std::io::Result<Vec<u8>> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(self.separator)
            .from_writer(Vec::new());
        for row in rows {
            writer.write_record(row.iter().map(|c| neutralised(c).into_owned()))?;
        }
        writer.into_inner().map_err(|e| e.into_error())
    }

    /// A whole document: the byte order mark (French Excel reads UTF-8 only with it), the
    /// headers, the rows.
    pub fn document(
        self,
        headers: Vec<String>,
        rows: impl IntoIterator<Item = Vec<String>>,
    ) -> std::io::Result<Vec<u8>> {
        let mut bytes = "\u{feff}".as_bytes().to_vec();
        bytes.extend(self.write(std::iter::once(headers).chain(rows))?);
        Ok(bytes)
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
    use super::{Sheet, neutralised, separator};

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

    #[test]
    fn documents_start_with_a_byte_order_mark() {
        let sheet = Sheet::new(None).unwrap_or_else(|| unreachable!());
        let bytes = sheet
            .document(
                vec!["Offre".into(), "Tickets".into()],
                [vec!["=EVA".into(), "3".into()]],
            )
            .unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            "\u{feff}Offre;Tickets\n'=EVA;3\n"
        );
    }
}
