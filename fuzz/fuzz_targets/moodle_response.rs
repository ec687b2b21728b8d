//! Moodle web-service answers: arbitrary bytes as the body of the answer to each function the
//! client calls, classified and decoded as `MoodleClient` does
//! (`mm_moodle::fuzz::decode_answer`: `parse_response`, token redaction, the typed decoding of
//! users, courses, categories, enrolments, groups, completion, badges, messages, files,
//! warnings and exceptions).
//!
//! Input: `function, status, content-type, body…`.
//! - `function`: an index into `mm_moodle::fuzz::FUNCTIONS` (one past the end: an unknown
//!   function, decoded as `call_raw` does);
//! - `status`: below 128 → 200, else one of a table of statuses (redirects, 4xx, 5xx, 0, 999);
//! - `content-type`: which `Content-Type` the answer had, and whether it had `Retry-After`.
//!
//! Promises checked: nothing panics (no stack overflow on deep nesting either); a non-2xx
//! answer is never accepted; every error has a message, and neither its message, its fields
//! nor its fix hint contain the site token, even when the answer echoes it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mm_moodle::fuzz::{FUNCTIONS, decode_answer};
use mm_moodle::{MoodleError, SecretString};
use std::time::Duration;

/// A token in Moodle's format (32 hex digits); the seeds echo it in exception messages.
const TOKEN: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

const STATUSES: [u16; 16] = [
    201, 204, 299, 301, 303, 400, 401, 403, 404, 429, 500, 502, 503, 504, 0, 999,
];
const CONTENT_TYPES: [&str; 4] = [
    "application/json",
    "",
    "text/html; charset=utf-8",
    "application/json; charset=utf-8",
];

fuzz_target!(|data: &[u8]| {
    let [f, s, c, body @ ..] = data else {
        return;
    };
    let function = FUNCTIONS
        .get(usize::from(*f) % (FUNCTIONS.len() + 1))
        .copied()
        .unwrap_or("local_unknown_function");
    let status = if *s < 128 {
        200
    } else {
        STATUSES[usize::from(*s) % STATUSES.len()]
    };
    let content_type = CONTENT_TYPES[usize::from(*c) % CONTENT_TYPES.len()];
    let retry_after = (*c & 4 != 0).then(|| Duration::from_secs(u64::from(*c)));
    let token = SecretString::from(TOKEN);

    match decode_answer(function, status, content_type, retry_after, body, &token) {
        Ok(_) => assert!((200..300).contains(&status), "a {status} answer was accepted"),
        Err(e) => {
            let text = e.to_string();
            assert!(!text.is_empty(), "{e:?}");
            let _ = format!("{e:?}");
            let _ = (
                e.is_retryable(),
                e.is_ambiguous(),
                e.errorcode(),
                e.exception(),
                e.group_problem(),
            );
            // The texts themselves, not their `Debug` (whose escapes can write the token's
            // characters next to each other: `\0` then `f1e2…`).
            let mut shown = vec![text, e.fix_hint().unwrap_or_default()];
            match &e {
                MoodleError::Exception { exception: x, .. } => {
                    shown.extend([x.exception.clone(), x.message.clone()]);
                    shown.extend(x.errorcode.clone().into_iter().chain(x.debuginfo.clone()));
                }
                MoodleError::Http { body_snippet: s, .. } | MoodleError::Decode { detail: s, .. } => {
                    shown.push(s.clone())
                }
                MoodleError::NotJson { content_type, snippet } => shown.extend([content_type.clone(), snippet.clone()]),
                _ => {}
            }
            for s in &shown {
                assert!(!s.contains(TOKEN), "the token in an error: {s}");
            }
        }
    }
});
