//! Reading the raise form, which carries files. Read by hand rather than by
//! a typed multipart extractor, so that one file too large or of the wrong
//! type becomes a message beside the field and everything typed is kept.

use std::collections::HashMap;

use actix_multipart::Multipart;
use futures_util::TryStreamExt;

use super::domain::{
    clean_file_name, sniff_evidence, NewConcern, RaiseInput, Upload, MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
};
use crate::error::{AppError, FormErrors};

/// Text fields are small; anything larger is not from our form.
const MAX_FIELD_BYTES: usize = 64 * 1024;
/// Past this, the request is refused outright: five files at the limit and
/// the text fit well inside it.
const MAX_REQUEST_BYTES: usize = MAX_EVIDENCE_FILES * MAX_EVIDENCE_BYTES + 20 * 1024 * 1024;

/// The form as sent.
#[derive(Default)]
pub struct Submission {
    pub fields: HashMap<String, String>,
    pub files: Vec<Upload>,
    /// One message per refused file, for the evidence field.
    pub file_errors: Vec<String>,
    /// Whether any file was chosen, accepted or not.
    pub chose_files: bool,
}

impl Submission {
    pub fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// The form as typed, and as parsed: every field's problem, and the
    /// refused files' beside the evidence field.
    pub fn parse(&self, today: time::Date) -> (RaiseInput, Result<NewConcern, FormErrors>) {
        let typed = RaiseInput {
            about: self.field("about"),
            about_person: self.field("about_person"),
            about_account: self.field("about_account"),
            about_detail: self.field("about_detail"),
            implicates_chair: self.field("implicates_chair") == "yes",
            happened_on: self.field("happened_on"),
            what_happened: self.field("what_happened"),
        };
        let parsed = NewConcern::parse(&typed, today);
        if self.file_errors.is_empty() {
            return (typed, parsed);
        }
        let mut errors = parsed.err().unwrap_or_default();
        errors.add("evidence", self.file_errors.join(". "));
        (typed, Err(errors))
    }
}

fn too_large() -> AppError {
    AppError::BadRequest(
        "What you sent was too large, so nothing was saved. Attach at most 5 files of 10 MB \
         each."
            .into(),
    )
}

fn unreadable() -> AppError {
    AppError::BadRequest("The form could not be read, so nothing was saved.".into())
}

/// Reads every part. Files are kept in memory up to their limit; past it,
/// the rest of the file is read and dropped, so the form's other fields
/// still arrive.
pub async fn read(mut multipart: Multipart) -> Result<Submission, AppError> {
    let mut submission = Submission::default();
    let mut total = 0usize;
    while let Some(mut field) = multipart.try_next().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_owned();
        let raw_file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        let file_name = raw_file_name.as_deref().map(clean_file_name);
        let limit = if file_name.is_some() {
            MAX_EVIDENCE_BYTES
        } else {
            MAX_FIELD_BYTES
        };
        let mut bytes = Vec::new();
        let mut over = false;
        while let Some(chunk) = field.try_next().await.map_err(|_| unreadable())? {
            total += chunk.len();
            if total > MAX_REQUEST_BYTES {
                return Err(too_large());
            }
            if bytes.len() + chunk.len() > limit {
                over = true;
            } else if !over {
                bytes.extend_from_slice(&chunk);
            }
        }
        match file_name {
            Some(file_name) if name == "evidence" => {
                // A file field left empty still arrives, with no name and no bytes.
                if bytes.is_empty() && !over {
                    if raw_file_name.is_some_and(|n| !n.is_empty()) {
                        submission.chose_files = true;
                        submission
                            .file_errors
                            .push(format!("{file_name} is empty; choose the file again"));
                    }
                    continue;
                }
                submission.chose_files = true;
                if over {
                    submission
                        .file_errors
                        .push(format!("{file_name} is larger than 10 MB"));
                } else if submission.files.len() == MAX_EVIDENCE_FILES {
                    submission.file_errors.push(format!(
                        "{file_name} is one file too many: attach at most {MAX_EVIDENCE_FILES}"
                    ));
                } else if let Some(content_type) = sniff_evidence(&bytes) {
                    submission.files.push(Upload {
                        file_name,
                        content_type,
                        bytes,
                    });
                } else {
                    submission.file_errors.push(format!(
                        "{file_name} is not a PNG or JPEG picture or a PDF document"
                    ));
                }
            }
            Some(_) => {}
            None => {
                if over {
                    return Err(too_large());
                }
                let text = String::from_utf8(bytes).map_err(|_| unreadable())?;
                submission.fields.insert(name, text);
            }
        }
    }
    Ok(submission)
}
