//! The CSV files the lists export: UTF-8, a header row, every cell guarded against spreadsheet
//! formulas (`mm_engine::import::guard`, which an import undoes), served as an attachment.

use crate::error::PageError;
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub(super) struct CsvFile {
    out: csv::Writer<Vec<u8>>,
    /// The first row that could not be written; the file is refused with it.
    failed: Option<csv::Error>,
}

impl CsvFile {
    pub(super) fn new(header: &[&str]) -> Result<CsvFile, PageError> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(header)?;
        Ok(CsvFile { out, failed: None })
    }

    /// Adds a row (its cells guarded). Usable from the engine's chunk callbacks, which cannot
    /// return an error: the first one is kept and refuses the file at the end.
    pub(super) fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        let guarded = cells.into_iter().map(mm_engine::import::guard);
        if let Err(e) = self.out.write_record(guarded.map(|c| c.into_owned())) {
            self.failed.get_or_insert(e);
        }
    }

    /// The file as a download named `filename`.
    pub(super) fn into_response(self, filename: &str) -> Result<Response, PageError> {
        if let Some(e) = self.failed {
            return Err(e.into());
        }
        let body = self.out.into_inner().map_err(|e| PageError::from(e.to_string()))?;
        let disposition = format!("attachment; filename=\"{filename}\"");
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            body,
        )
            .into_response())
    }
}
