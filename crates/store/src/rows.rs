//! Shared row codecs and SQL fragments.

use crate::StoreError;
use mm_core::{CourseRef, Email, EntitlementKey};
use sqlx::Row;
use sqlx::any::AnyRow;

/// `($1, $2), ($3, $4)` for `rows` rows of `cols` values.
pub(crate) fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let vals: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", vals.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn key_strings(k: &EntitlementKey) -> (String, String, String) {
    (k.site.clone(), k.course.to_string(), k.learner.as_str().to_string())
}

pub(crate) fn row_key(r: &AnyRow) -> Result<EntitlementKey, StoreError> {
    let course: String = r.try_get("course")?;
    let learner: String = r.try_get("learner")?;
    Ok(EntitlementKey {
        site: r.try_get("site")?,
        course: CourseRef::parse(&course).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        learner: Email::parse(&learner).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}
