//! File upload to a user draft area (`core_files_upload`, base64 in the form body).

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// Which draft area: Moodle 4.5 requires a context id or `contextlevel=user&instanceid=<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadTarget {
    /// A known context id.
    ContextId(i64),
    /// The user context of this user id (the token user).
    User(i64),
}

/// A file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileUpload {
    /// Target context.
    pub target: UploadTarget,
    /// Draft item id; 0 = let Moodle pick a new one.
    pub itemid: i64,
    /// Path inside the area, e.g. `/`.
    pub filepath: String,
    /// File name.
    pub filename: String,
    /// Bytes.
    pub content: Vec<u8>,
}

/// What Moodle stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    /// Context id.
    #[serde(deserialize_with = "crate::de::int")]
    pub contextid: i64,
    /// Component (`user`).
    pub component: String,
    /// File area (`draft`).
    pub filearea: String,
    /// Draft item id (use it to attach the file elsewhere).
    #[serde(deserialize_with = "crate::de::int")]
    pub itemid: i64,
    /// Path.
    pub filepath: String,
    /// Name.
    pub filename: String,
    /// Draft file URL.
    #[serde(default)]
    pub url: Option<String>,
}

pub(crate) fn upload_form(u: &FileUpload) -> Form {
    let mut f = Form::new();
    match u.target {
        UploadTarget::ContextId(id) => {
            f.int("contextid", id);
        }
        UploadTarget::User(id) => {
            f.text("contextlevel", "user").int("instanceid", id);
        }
    }
    f.text("component", "user")
        .text("filearea", "draft")
        .int("itemid", u.itemid)
        .text("filepath", u.filepath.as_str())
        .text("filename", u.filename.as_str())
        .text(
            "filecontent",
            base64::engine::general_purpose::STANDARD.encode(&u.content),
        );
    f
}

impl MoodleClient {
    /// Upload one file to a user draft area. Not idempotent (a second identical upload fails
    /// with `fileexist`), so not retried.
    pub async fn upload_file(&self, upload: &FileUpload) -> Result<UploadedFile, MoodleError> {
        self.call("core_files_upload", &upload_form(upload), Mode::Once).await
    }
}
