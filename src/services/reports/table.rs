//! A report as a table of cells: the page and the CSV export are written from the same cells,
//! so the file holds exactly what the page shows, links aside.

use serde::Serialize;

use crate::{
    domain::spreadsheet::Sheet,
    i18n::Lang,
    services::error::{ServiceError, ServiceResult},
};

/// One cell: text as it is, words of the catalogue by key, or a number.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cell {
    /// Text shown as it is (a code, a name, a month).
    pub text: Option<String>,
    /// A catalogue key, shown translated.
    pub key: Option<String>,
    /// A count.
    pub count: Option<i64>,
    /// A measure, shown with one decimal.
    pub value: Option<f64>,
    /// The list the figure counts.
    pub href: Option<String>,
}

impl Cell {
    /// Text shown as it is.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    /// Words of the catalogue.
    pub fn key(key: impl Into<String>) -> Self {
        Self {
            key: Some(key.into()),
            ..Self::default()
        }
    }

    /// A count.
    pub fn count(count: i64) -> Self {
        Self {
            count: Some(count),
            ..Self::default()
        }
    }

    /// A measure, empty when there is none.
    pub fn value(value: Option<f64>) -> Self {
        Self {
            value,
            ..Self::default()
        }
    }

    /// The same cell, linking to a list.
    pub fn linked(self, href: String) -> Self {
        Self {
            href: Some(href),
            ..self
        }
    }

    /// The cell written for a spreadsheet in `lang` (decimals with the reader's mark).
    fn written(&self, lang: Lang) -> String {
        if let Some(key) = &self.key {
            return lang.t(key);
        }
        if let Some(count) = self.count {
            return count.to_string();
        }
        if let Some(value) = self.value {
            let text = format!("{value:.1}");
            return match lang {
                Lang::Fr => text.replace('.', ","),
                Lang::En => text,
            };
        }
        self.text.clone().unwrap_or_default()
    }
}

/// A report's table.
#[derive(Debug, Serialize)]
pub struct Table {
    /// Column headers, as catalogue keys.
    pub headers: Vec<String>,
    /// Rows of cells, as many as headers.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The table as a CSV document in `lang`, with the separator chosen (`;` by default).
    /// Reports are at most a few hundred rows (24 months by offer), so they are written at
    /// once rather than streamed.
    pub fn csv(&self, lang: Lang, separator: Option<&str>) -> ServiceResult<Vec<u8>> {
        let sheet = Sheet::new(separator)
            .ok_or_else(|| ServiceError::field("sep", "export-separator", vec![]))?;
        sheet
            .document(
                self.headers.iter().map(|k| lang.t(k)).collect(),
                self.rows
                    .iter()
                    .map(|row| row.iter().map(|c| c.written(lang)).collect()),
            )
            .map_err(|e| ServiceError::Internal(e.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::{Cell, Table};
    use crate::i18n::Lang;

    #[test]
    fn cells_are_written_in_the_readers_language() {
        let table = Table {
            headers: vec!["report-month".into(), "report-tickets".into()],
            rows: vec![vec![Cell::text("2026-11"), Cell::value(Some(12.25))]],
        };
        let fr =
            String::from_utf8(table.csv(Lang::Fr, None).unwrap_or_default()).unwrap_or_default();
        assert!(
            fr.ends_with("2026-11;12,2\n") || fr.ends_with("2026-11;12,3\n"),
            "{fr}"
        );
        let en = String::from_utf8(table.csv(Lang::En, Some(",")).unwrap_or_default())
            .unwrap_or_default();
        assert!(en.contains("Month,Tickets"), "{en}");
    }
}
