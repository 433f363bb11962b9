//! The one writer of every CSV export, so that each download is safe to open
//! in a spreadsheet and says so when it is incomplete.
//!
//! - SECURITY: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
//!   carriage return is a formula to Excel and LibreOffice (CSV injection).
//!   Such cells are written with a leading apostrophe, which spreadsheets show
//!   as text. Our exports hold no negative numbers, so `-2` is guarded too.
//! - The file starts with a UTF-8 byte-order mark, or Excel reads "Zoë" as
//!   "ZoÃ«".
//! - A streamed export that fails half-way ends the download with an error
//!   (the connection is cut before the last chunk), so the browser reports a
//!   failed download instead of saving a short file that looks whole.

use std::borrow::Cow;

use actix_web::http::header::{
    ContentDisposition, DispositionParam, DispositionType, CONTENT_TYPE,
};
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;

use crate::db::{Db, DbConnection};
use crate::error::AppError;

const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

/// One row: its cells as text.
pub type Row = Vec<String>;

/// A CSV file built in memory: for exports bounded by the page they mirror.
pub struct Csv {
    writer: csv::Writer<Vec<u8>>,
}

impl Csv {
    /// A file with its header row.
    pub fn new(header: &[&str]) -> Result<Self, AppError> {
        let mut csv = Self {
            writer: csv::Writer::from_writer(BYTE_ORDER_MARK.to_vec()),
        };
        csv.row(header)?;
        Ok(csv)
    }

    /// Appends a row, each cell guarded.
    pub fn row<S: AsRef<str>>(
        &mut self,
        cells: impl IntoIterator<Item = S>,
    ) -> Result<(), AppError> {
        write_row(&mut self.writer, cells)
    }

    /// The download, named `filename`.
    pub fn into_response(self, filename: &str) -> Result<HttpResponse, AppError> {
        let body = self.writer.into_inner().map_err(AppError::internal)?;
        Ok(download(filename).body(body))
    }
}

fn write_row<S: AsRef<str>>(
    writer: &mut csv::Writer<Vec<u8>>,
    cells: impl IntoIterator<Item = S>,
) -> Result<(), AppError> {
    writer
        .write_record(cells.into_iter().map(|c| guard(c.as_ref()).into_owned()))
        .map_err(AppError::internal)
}

/// A cell as a spreadsheet will show it: formulas neutralised.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn download(filename: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename.to_owned())],
        });
    response
}

/// A name for a file made of free text (a handle): letters and digits only.
pub fn file_name_part(text: &str) -> String {
    text.trim_start_matches('@')
        .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
}

/// Streams an export too long to hold in memory (the audit log), batch by
/// batch on the blocking pool: `next_batch` is called until it returns
/// `None`. Memory stays flat however long the export is.
pub fn stream<F>(db: Db, filename: &str, header: &[&str], mut next_batch: F) -> HttpResponse
where
    F: FnMut(&mut DbConnection) -> Result<Option<Vec<Row>>, AppError> + Send + 'static,
{
    let header: Row = header.iter().map(|h| (*h).to_owned()).collect();
    stream_batches(filename, header, move || {
        let mut conn = db.conn().map_err(AppError::internal)?;
        Ok(move || next_batch(&mut conn))
    })
}

/// `stream` without the database, so the failure path can be tested alone.
fn stream_batches<Open, Next>(filename: &str, header: Row, open: Open) -> HttpResponse
where
    Open: FnOnce() -> Result<Next, AppError> + Send + 'static,
    Next: FnMut() -> Result<Option<Vec<Row>>, AppError>,
{
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<web::Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let send = |chunk: Result<Vec<u8>, AppError>| {
            let chunk = chunk.map(web::Bytes::from).map_err(|error| {
                tracing::error!(error = ?error, "a CSV export failed half-way");
                std::io::Error::other("the export failed")
            });
            tx.blocking_send(chunk).is_ok()
        };
        let mut writer = csv::Writer::from_writer(BYTE_ORDER_MARK.to_vec());
        let first = write_row(&mut writer, &header)
            .and_then(|()| writer.into_inner().map_err(AppError::internal));
        if !send(first) {
            return;
        }
        let mut next = match open() {
            Ok(next) => next,
            Err(error) => {
                send(Err(error));
                return;
            }
        };
        loop {
            let chunk = match next() {
                Ok(None) => return,
                Ok(Some(rows)) => {
                    let mut writer = csv::Writer::from_writer(Vec::with_capacity(256 * rows.len()));
                    rows.iter()
                        .try_for_each(|row| write_row(&mut writer, row))
                        .and_then(|()| writer.into_inner().map_err(AppError::internal))
                }
                Err(error) => Err(error),
            };
            let failed = chunk.is_err();
            // The reader went away (download cancelled), or it failed: stop.
            if !send(chunk) || failed {
                return;
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
    .boxed_local();
    download(filename).streaming(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_made_text() {
        for formula in [
            "=1+1",
            "+44 7700",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "@StJamesCE",
        ] {
            assert!(guard(formula).starts_with('\''), "{formula:?}");
        }
        assert_eq!(guard("A spam link"), "A spam link");
        assert_eq!(guard("Zoë"), "Zoë");
        assert_eq!(guard("12"), "12");
        assert_eq!(guard(""), "");
    }

    #[actix_web::test]
    async fn a_file_starts_with_the_byte_order_mark() {
        let mut csv = Csv::new(&["name"]).unwrap();
        csv.row(["Zoë"]).unwrap();
        let response = csv.into_response("people.csv").unwrap();
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        assert_eq!(&body[..], "\u{feff}name\nZoë\n".as_bytes());
    }

    #[actix_web::test]
    async fn a_stream_that_fails_half_way_ends_in_an_error_not_a_short_file() {
        let mut batches = vec![
            Err(AppError::internal(anyhow::anyhow!(
                "the database went away"
            ))),
            Ok(Some(vec![vec!["=1+1".to_owned()]])),
        ];
        let response = stream_batches("log.csv", vec!["cell".into()], move || {
            Ok(move || {
                batches
                    .pop()
                    .expect("no more batches asked for after a failure")
            })
        });
        assert_eq!(response.status(), 200);
        let body = actix_web::body::to_bytes(response.into_body()).await;
        assert!(body.is_err(), "the download must end in an error");
    }

    #[actix_web::test]
    async fn a_whole_stream_ends_cleanly() {
        let mut batches = vec![Ok(None), Ok(Some(vec![vec!["@handle".to_owned()]]))];
        let response = stream_batches("log.csv", vec!["cell".into()], move || {
            Ok(move || batches.pop().expect("stops at None"))
        });
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        assert_eq!(&body[..], "\u{feff}cell\n'@handle\n".as_bytes());
    }
}
