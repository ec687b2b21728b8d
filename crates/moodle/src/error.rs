//! [`MoodleError`]: everything that can go wrong talking to a Moodle site, classified for the
//! job queue (retry or not) and for the admin (how to fix it).
//!
//! Moodle reports every function, auth and parameter error as HTTP 200 with
//! `{"exception","errorcode","message"[,"debuginfo"]}`; a PHP `Error` comes without `errorcode`.
//! Match on `errorcode`, never on `message` (it comes from the site's language pack).

use std::time::Duration;

use mm_net::{CircuitOpen, RefusedUrl, Retryable, SecretString, redact};
use serde::{Deserialize, Serialize};

/// Moodle's exception body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoodleException {
    /// PHP class, e.g. `core\exception\moodle_exception` (namespaced on 4.5) or `moodle_exception`.
    pub exception: String,
    /// Machine-readable code; absent for a PHP `Error`.
    #[serde(default)]
    pub errorcode: Option<String>,
    /// Human text (language pack).
    #[serde(default)]
    pub message: String,
    /// Only when the site has debugging on.
    #[serde(default)]
    pub debuginfo: Option<String>,
}

/// An error from a Moodle call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum MoodleError {
    /// Moodle answered with an exception.
    #[error("Moodle refused {function}: {} ({}){}", .exception.message, .exception.errorcode.as_deref().unwrap_or(&.exception.exception), .exception.debuginfo.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Exception {
        /// The `wsfunction` called (needed for the fix hint).
        function: String,
        /// The body.
        exception: MoodleException,
    },
    /// Could not connect; the request was not sent.
    #[error("cannot connect to the Moodle site: {0}")]
    Connect(String),
    /// No answer in time; the request may or may not have been processed.
    #[error("the Moodle site did not answer in time")]
    Timeout,
    /// The connection broke; the request may or may not have been processed.
    #[error("network error talking to the Moodle site: {0}")]
    Network(String),
    /// An unexpected HTTP status.
    #[error("the Moodle site answered HTTP {status}")]
    Http {
        /// Status code.
        status: u16,
        /// `Retry-After`, if sent.
        retry_after: Option<Duration>,
        /// The beginning of the body.
        body_snippet: String,
    },
    /// HTTP 403 with an empty body: web services or the REST protocol are disabled.
    #[error("web services or the REST protocol are disabled on the Moodle site (HTTP 403, empty body)")]
    WebServicesDisabled,
    /// The body is not JSON (XML, an HTML login page, a proxy error…).
    #[error("the Moodle site answered something that is not JSON ({content_type}): {snippet}")]
    NotJson {
        /// `Content-Type` header.
        content_type: String,
        /// The beginning of the body.
        snippet: String,
    },
    /// JSON, but not the shape this client expects.
    #[error("unexpected answer to {function}: {detail}")]
    Decode {
        /// The `wsfunction` called.
        function: String,
        /// What did not match.
        detail: String,
    },
    /// The site's circuit breaker is open.
    #[error(transparent)]
    CircuitOpen(#[from] CircuitOpen),
    /// The site URL is refused by the anti-SSRF policy. The text names the `[[moodle]]` block
    /// and the fix; not a `source()`, so a chain of causes does not say it twice.
    #[error("{0}")]
    Ssrf(RefusedUrl),
    /// The token's service lacks functions this application needs.
    #[error("the web service of this token lacks: {}", .missing.join(", "))]
    MissingFunctions {
        /// The functions absent from `core_webservice_get_site_info`.
        missing: Vec<String>,
    },
    /// Bad local configuration.
    #[error("invalid Moodle client configuration: {0}")]
    Config(String),
}

impl MoodleError {
    /// Moodle's `errorcode`, when the error is a Moodle exception that has one.
    pub fn errorcode(&self) -> Option<&str> {
        match self {
            MoodleError::Exception { exception, .. } => exception.errorcode.as_deref(),
            _ => None,
        }
    }

    /// The outcome class of a failed request, a fixed word for metrics (never Moodle's text):
    /// `denied` (token, access, capability), `invalid` (parameters, missing records),
    /// `maintenance`, `exception` (any other Moodle exception), `timeout`, `network`, `http`,
    /// `disabled` (web services off), `not_json`, `decode`, `circuit_open`, `error`.
    pub fn outcome(&self) -> &'static str {
        match self {
            MoodleError::Exception { exception, .. } => exception_class(exception.errorcode.as_deref()),
            MoodleError::Timeout => "timeout",
            MoodleError::Connect(_) | MoodleError::Network(_) => "network",
            MoodleError::Http { .. } => "http",
            MoodleError::WebServicesDisabled => "disabled",
            MoodleError::NotJson { .. } => "not_json",
            MoodleError::Decode { .. } => "decode",
            MoodleError::CircuitOpen(_) => "circuit_open",
            MoodleError::Ssrf(_) | MoodleError::MissingFunctions { .. } | MoodleError::Config(_) => "error",
        }
    }

    /// Moodle's exception body, if any.
    pub fn exception(&self) -> Option<&MoodleException> {
        match self {
            MoodleError::Exception { exception, .. } => Some(exception),
            _ => None,
        }
    }

    /// Can the same request succeed later? Network trouble, timeouts, HTTP 5xx/429/408, site
    /// maintenance and an open circuit are transient; everything Moodle refuses on purpose
    /// (token, access, permissions, parameters, missing records) is permanent and must not be
    /// retried.
    pub fn is_retryable(&self) -> bool {
        match self {
            MoodleError::Connect(_) | MoodleError::Timeout | MoodleError::Network(_) | MoodleError::CircuitOpen(_) => {
                true
            }
            MoodleError::Http { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            MoodleError::Exception { exception, .. } => exception.errorcode.as_deref() == Some("sitemaintenance"),
            _ => false,
        }
    }

    /// Did the request possibly take effect even though it failed? (timeout or broken
    /// connection after sending, HTTP 5xx). Non-idempotent calls must check before repeating.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            MoodleError::Timeout | MoodleError::Network(_) => true,
            MoodleError::Http { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Admin-facing advice for permanent errors.
    pub fn fix_hint(&self) -> Option<String> {
        match self {
            MoodleError::Exception { function, exception } => exception_hint(function, exception),
            MoodleError::WebServicesDisabled => Some(
                "enable web services (Site administration > Advanced features) and the REST protocol (Site administration > Server > Web services > Manage protocols)".to_owned(),
            ),
            MoodleError::NotJson { .. } => Some(
                "the answer is not JSON: check the site URL points at the Moodle root (not a login page, proxy or maintenance page)".to_owned(),
            ),
            MoodleError::MissingFunctions { missing } => Some(format!(
                "add {} to the external service of this token (Site administration > Server > Web services > External services > Functions)",
                missing.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
            )),
            MoodleError::Http { status: 404, .. } => Some("check the site URL: /webservice/rest/server.php was not found below it".to_owned()),
            _ => None,
        }
    }

    /// Remove the token (and its encoded form) from every text of the error.
    pub(crate) fn redacted(self, token: &SecretString) -> Self {
        let r = |s: String| redact(&s, token);
        match self {
            MoodleError::Exception { function, exception } => MoodleError::Exception {
                function,
                exception: MoodleException {
                    exception: r(exception.exception),
                    errorcode: exception.errorcode.map(r),
                    message: r(exception.message),
                    debuginfo: exception.debuginfo.map(r),
                },
            },
            MoodleError::Connect(s) => MoodleError::Connect(r(s)),
            MoodleError::Network(s) => MoodleError::Network(r(s)),
            MoodleError::Http {
                status,
                retry_after,
                body_snippet,
            } => MoodleError::Http {
                status,
                retry_after,
                body_snippet: r(body_snippet),
            },
            MoodleError::NotJson { content_type, snippet } => MoodleError::NotJson {
                content_type,
                snippet: r(snippet),
            },
            MoodleError::Decode { function, detail } => MoodleError::Decode {
                function,
                detail: r(detail),
            },
            other => other,
        }
    }
}

/// The class of a Moodle exception's `errorcode`, for [`MoodleError::outcome`].
fn exception_class(errorcode: Option<&str>) -> &'static str {
    match errorcode {
        Some("sitemaintenance") => "maintenance",
        Some(
            "invalidtoken"
            | "accessexception"
            | "nopermissions"
            | "requireloginerror"
            | "restrictedcontextexception"
            | "wsaccessusersuspended"
            | "wsaccessuserunconfirmed"
            | "wsusercannotassign"
            | "cannotviewreport",
        ) => "denied",
        Some("invalidparameter" | "invalidrecord" | "invaliduser" | "errorcoursecontextnotvalid" | "idnumbertaken") => {
            "invalid"
        }
        _ => "exception",
    }
}

/// [`MoodleError::fix_hint`] of a Moodle exception, by `errorcode` (then `debuginfo`, `function`).
fn exception_hint(function: &str, exception: &MoodleException) -> Option<String> {
    const TOKENS: &str = "Site administration > Server > Web services > Manage tokens";
    let debug = exception.debuginfo.as_deref().unwrap_or("");
    let code = exception.errorcode.as_deref();
    Some(match code {
        Some("invalidtoken") => {
            format!("the token is invalid or expired: create a new one in {TOKENS}")
        }
        Some("accessexception") if debug.contains("token expired") => {
            format!("the token is invalid or expired: create a new one in {TOKENS}")
        }
        Some("accessexception") if debug.contains("IP:") => {
            format!("the token is restricted to other IP addresses: edit 'IP restriction' of the token in {TOKENS}")
        }
        Some("accessexception") if debug.contains("webservice/rest:use") => {
            "the token user lacks the capability webservice/rest:use: allow it in the role of the token user".to_owned()
        }
        Some("accessexception") if debug.contains("Refused web service access") => {
            format!("the token user cannot log in ({debug}): fix the account or issue a token for another user")
        }
        Some("accessexception") => format!(
            "add `{function}` to the external service of this token (Site administration > Server > Web services > External services > Functions), check the service is enabled, the token user is an authorised user of it and its role allows webservice/rest:use"
        ),
        Some("wsaccessusersuspended") | Some("wsaccessuserunconfirmed") => {
            "the token user is suspended or unconfirmed: reactivate it in Site administration > Users".to_owned()
        }
        Some("invalidrecord") if exception.message.contains("external_functions") => format!(
            "the function `{function}` does not exist on this Moodle: upgrade Moodle or install the plugin that provides it"
        ),
        Some("nopermissions") if function.starts_with("core_group_") => {
            "the token user lacks moodle/course:managegroups ('Manage groups') in the course: allow it in the token user's role".to_owned()
        }
        Some("nopermissions") => format!(
            "the token user lacks a capability ({}): allow it in the token user's role",
            exception.message.rsplit_once('(').map_or("see message", |(_, c)| c.trim_end_matches(['.', ')']))
        ),
        Some("wsnoinstance") => {
            let course = extract_after(&exception.message, "(id = ").unwrap_or_else(|| "?".to_owned());
            format!(
                "course id={course} has no enabled Manual enrolments method: add it if it was deleted (Course > Participants > Enrolment methods > Add method > Manual enrolments) or enable it if it is disabled (the eye icon there), and enable the Manual enrolments plugin site-wide (Site administration > Plugins > Enrolments > Manage enrol plugins)"
            )
        }
        Some("wsusercannotassign") => "the token user cannot assign this role in the course: check the role id (student is usually 5) and 'Allow role assignments' of the token user's role".to_owned(),
        Some("requireloginerror") => "the token user cannot access the course: give it a role with access to the course (or a site-wide manager role)".to_owned(),
        Some("restrictedcontextexception") => "the token is restricted to a context that does not include this course: remove the context restriction of the token".to_owned(),
        Some("sitemaintenance") => "the Moodle site is in maintenance mode; requests are retried when it ends".to_owned(),
        Some("invaliduser") => "the Moodle user does not exist (deleted?): re-match the learner to a Moodle account".to_owned(),
        Some("badgesdisabled") => "enable badges in Site administration > Badges > Badges settings".to_owned(),
        Some("disabled") if function.starts_with("core_message") => "enable messaging in Site administration > Advanced features".to_owned(),
        Some("cannotviewreport") => "enable completion tracking on the site and in the course, and let the token user view the completion report".to_owned(),
        Some("invalidparameter") if function == "core_group_add_group_members" && (debug.is_empty() || debug.contains("Only enrolled users")) => format!(
            "enrol the user in the course before adding them to a group: Moodle accepts only enrolled users as group members, and one such user rolls back the whole request{}",
            if debug.is_empty() { " (turn on site debugging to see Moodle's exact reason)" } else { "" }
        ),
        Some("invalidparameter") if debug.contains("Group with the same name already exists") => {
            "a group with this name already exists in the course: use it (core_group_get_course_groups) instead of creating it again".to_owned()
        }
        Some("invalidparameter") if debug.contains("Invalid group name") => "the group name is blank: give the group a name".to_owned(),
        Some("idnumbertaken") => "the ID number is already used by another group of the course: choose another ID number or use that group".to_owned(),
        Some("invalidrecord") if function.starts_with("core_group_") && crate::groups::names_table(&exception.message, debug, "groups") => {
            "the group does not exist in Moodle (deleted?): look the group up by name again and create it if needed".to_owned()
        }
        Some("invalidrecord") if function.starts_with("core_group_") && crate::groups::names_table(&exception.message, debug, "user") => {
            "the Moodle user does not exist (deleted?): re-match the learner to a Moodle account".to_owned()
        }
        Some("errorcoursecontextnotvalid") => "the course does not exist or the token user cannot access it: check the course id and give the token user a role with access to the course (or a site-wide manager role)".to_owned(),
        Some("invalidparameter") => format!("Moodle rejected the parameters of {function}; details: {}", if debug.is_empty() { "turn on site debugging to see them" } else { debug }),
        None => "Moodle failed with an internal PHP error (no errorcode); check the Moodle logs and avoid the input that triggers it".to_owned(),
        Some(_) => return None,
    })
}

fn extract_after(text: &str, marker: &str) -> Option<String> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let id: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    (!id.is_empty()).then_some(id)
}

impl Retryable for MoodleError {
    fn is_retryable(&self) -> bool {
        MoodleError::is_retryable(self)
    }
    fn retry_after(&self) -> Option<Duration> {
        match self {
            MoodleError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(function: &str, code: Option<&str>, message: &str, debuginfo: Option<&str>) -> MoodleError {
        MoodleError::Exception {
            function: function.to_owned(),
            exception: MoodleException {
                exception: "moodle_exception".to_owned(),
                errorcode: code.map(str::to_owned),
                message: message.to_owned(),
                debuginfo: debuginfo.map(str::to_owned),
            },
        }
    }

    /// A metric label must stay a small fixed set: an unknown errorcode (a site's plugin can
    /// invent any) is `exception`, never the code itself.
    #[test]
    fn outcomes_are_fixed_words() {
        let f = "enrol_manual_enrol_users";
        assert_eq!(ex(f, Some("invalidtoken"), "x", None).outcome(), "denied");
        assert_eq!(ex(f, Some("invalidparameter"), "x", None).outcome(), "invalid");
        assert_eq!(ex(f, Some("sitemaintenance"), "x", None).outcome(), "maintenance");
        assert_eq!(
            ex(f, Some("local_plugin_made_this_up"), "x", None).outcome(),
            "exception"
        );
        assert_eq!(ex(f, None, "PHP Error", None).outcome(), "exception");
        assert_eq!(MoodleError::Timeout.outcome(), "timeout");
        assert_eq!(
            MoodleError::Http {
                status: 502,
                retry_after: None,
                body_snippet: String::new()
            }
            .outcome(),
            "http"
        );
    }

    #[test]
    fn hints() {
        let e = ex(
            "enrol_manual_enrol_users",
            Some("accessexception"),
            "Access control exception",
            None,
        );
        assert!(
            e.fix_hint()
                .unwrap()
                .contains("add `enrol_manual_enrol_users` to the external service")
        );
        let e = ex(
            "x",
            Some("wsnoinstance"),
            "Manual enrolment plugin instance doesn't exist or is disabled for the course (id = 3)",
            None,
        );
        assert!(
            e.fix_hint()
                .unwrap()
                .contains("course id=3 has no enabled Manual enrolments method: add it if it was deleted")
        );
        assert!(e.fix_hint().unwrap().contains("or enable it if it is disabled"));
        let e = ex("x", Some("invalidtoken"), "Invalid token - token not found", None);
        assert!(
            e.fix_hint()
                .unwrap()
                .contains("Site administration > Server > Web services > Manage tokens")
        );
        let e = ex(
            "x",
            Some("nopermissions"),
            "Sorry, but you do not currently have permissions to do that (Enrol users).",
            None,
        );
        assert!(e.fix_hint().unwrap().contains("(Enrol users)"), "{:?}", e.fix_hint());
        assert!(!e.is_retryable());
        assert!(ex("x", Some("sitemaintenance"), "", None).is_retryable());
    }

    #[test]
    fn classification() {
        assert!(MoodleError::Timeout.is_retryable() && MoodleError::Timeout.is_ambiguous());
        assert!(MoodleError::Connect("x".into()).is_retryable() && !MoodleError::Connect("x".into()).is_ambiguous());
        let e500 = MoodleError::Http {
            status: 502,
            retry_after: None,
            body_snippet: String::new(),
        };
        assert!(e500.is_retryable() && e500.is_ambiguous());
        let e404 = MoodleError::Http {
            status: 404,
            retry_after: None,
            body_snippet: String::new(),
        };
        assert!(!e404.is_retryable());
        assert!(!MoodleError::WebServicesDisabled.is_retryable());
    }
}
