//! A job's error in the reader's language: the stored code and parameters pick the messages of
//! `job-errors.ftl` (`job-error-<code>` and `job-error-<code>-fix`); an error stored without a
//! code we know (older rows, the mail outbox) shows its English text as it is.

use mm_engine::job_error::JobErrorCode;
use mm_i18n::{Locale, text};
use std::collections::BTreeMap;

/// What a page shows of a job's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainedError {
    /// What went wrong.
    pub summary: String,
    /// How to fix it, when we know.
    pub fix: Option<String>,
    /// Moodle's own advice, in English (it names Moodle's screens as Moodle writes them).
    pub detail: Option<String>,
}

/// The stored error of a job: its English text and, when typed, its code and parameters.
pub struct StoredError<'a> {
    pub message: &'a str,
    pub code: Option<&'a str>,
    pub params: Option<&'a str>,
}

/// The catalogue key of a code's summary (its fix is this key with `-fix`).
pub fn summary_key(code: JobErrorCode) -> String {
    format!("job-error-{}", code.as_str().replace('_', "-"))
}

pub fn fix_key(code: JobErrorCode) -> String {
    format!("{}-fix", summary_key(code))
}

/// The catalogue key of a Moodle step as stored in a Moodle error's `step` parameter.
pub fn step_key(step: &str) -> String {
    format!("job-step-{}", step.replace('_', "-"))
}

/// The error in `locale`: translated from its code when it has one we know and parameters we
/// can read, else its English text.
pub fn explain(locale: Locale, stored: &StoredError<'_>) -> ExplainedError {
    translate(locale, stored.code, stored.params).unwrap_or_else(|| ExplainedError {
        summary: stored.message.to_owned(),
        fix: None,
        detail: None,
    })
}

/// The error of `code` with `params` (a JSON object of strings) in `locale`, if the code is one
/// of ours and the parameters can be read.
pub fn translate(locale: Locale, code: Option<&str>, params: Option<&str>) -> Option<ExplainedError> {
    let code = code.and_then(JobErrorCode::parse)?;
    let mut params: BTreeMap<String, String> = match params {
        Some(p) => serde_json::from_str(p).ok()?,
        None => BTreeMap::new(),
    };
    if let Some(step) = params.get("step") {
        let (args, key) = (pairs(&params), step_key(step));
        // A step this version does not know reads as its code.
        let said = Some(text(locale, &key, &args)).filter(|t| *t != key);
        if let Some(said) = said {
            params.insert("step".to_owned(), said);
        }
    }
    let args = pairs(&params);
    let (summary_key, fix_key) = (summary_key(code), fix_key(code));
    let (summary, fix) = (text(locale, &summary_key, &args), text(locale, &fix_key, &args));
    // A text that could not be rendered (a parameter missing) comes back as its key: then the
    // stored English says it better.
    if summary == summary_key || fix == fix_key {
        return None;
    }
    Some(ExplainedError {
        summary,
        fix: Some(fix),
        detail: params.get("hint").cloned(),
    })
}

fn pairs(params: &BTreeMap<String, String>) -> Vec<(&str, &str)> {
    params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mm_engine::job_error::{JobError, MoodleStep};

    /// A code added without its texts fails here: every code says what went wrong and how to
    /// fix it in the fallback language (the i18n tests then ask every locale for the same keys).
    #[test]
    fn every_code_and_every_moodle_step_has_its_texts_in_english() {
        let en = Locale::FALLBACK;
        // Every parameter any error has (a message lacking one of its own does not render).
        let args: Vec<(&str, &str)> = [
            "site",
            "course",
            "course_id",
            "role",
            "count",
            "email",
            "user_ids",
            "user_id",
            "reason",
            "detail",
            "step",
            "group",
            "hint",
        ]
        .into_iter()
        .map(|name| (name, "x"))
        .collect();
        for code in JobErrorCode::ALL {
            for key in [summary_key(*code), fix_key(*code)] {
                assert_ne!(text(en, &key, &args), key, "{code}: no message {key} in en-GB");
            }
        }
        for step in MoodleStep::all() {
            let key = step_key(step.as_str());
            assert_ne!(text(en, &key, &args), key, "no message {key} in en-GB");
        }
    }

    fn stored(e: &JobError) -> (String, Option<String>, Option<String>) {
        let note = e.note();
        (note.message, note.code, note.params)
    }

    #[test]
    fn a_coded_error_is_said_in_the_readers_language_with_its_parameters() {
        let e = JobError::NoEnrolMethod {
            site: "main".into(),
            course: "PY101".into(),
            course_id: 7,
        };
        let (message, code, params) = stored(&e);
        let s = StoredError {
            message: &message,
            code: code.as_deref(),
            params: params.as_deref(),
        };
        let de = explain("de-DE".parse().expect("de-DE"), &s);
        let en = explain(Locale::FALLBACK, &s);
        assert!(de.summary.contains("PY101") && de.summary.contains("main") && de.summary.contains('7'));
        assert_ne!(de.summary, en.summary);
        assert_ne!(de.fix, en.fix);
        assert!(de.fix.is_some_and(|f| f.contains("Manuelle Einschreibung")));
    }

    #[test]
    fn a_moodle_error_names_its_step_in_the_readers_language_and_keeps_moodles_advice() {
        let e = JobError::from_moodle(
            "main",
            MoodleStep::FindOrCreateGroup { group: "G1".into() },
            &mm_moodle::MoodleError::WebServicesDisabled,
        );
        let (message, code, params) = stored(&e);
        let s = StoredError {
            message: &message,
            code: code.as_deref(),
            params: params.as_deref(),
        };
        let fr = explain("fr-FR".parse().expect("fr-FR"), &s);
        assert!(
            fr.summary.starts_with("Recherche ou création du groupe `G1`"),
            "{}",
            fr.summary
        );
        assert_eq!(fr.detail, e.fix());
    }

    #[test]
    fn an_error_without_a_known_code_shows_its_text() {
        let de: Locale = "de-DE".parse().expect("de-DE");
        for (code, params) in [
            (None, None),
            (Some("smtp_rejected"), None),
            (Some("course_missing"), Some("not json")),
        ] {
            let s = StoredError {
                message: "old text; fix: something",
                code,
                params,
            };
            assert_eq!(
                explain(de, &s),
                ExplainedError {
                    summary: "old text; fix: something".into(),
                    fix: None,
                    detail: None
                }
            );
        }
    }
}
