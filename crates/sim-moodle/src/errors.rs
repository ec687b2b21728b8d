//! Moodle exceptions as the REST server renders them (contract §1.5–1.7).

use crate::json::{J, xml_text};

/// Namespaced exception classes (Moodle 4.5.6).
pub mod class {
    /// core\exception\moodle_exception
    pub const MOODLE: &str = "core\\exception\\moodle_exception";
    /// core\exception\invalid_parameter_exception
    pub const INVALID_PARAMETER: &str = "core\\exception\\invalid_parameter_exception";
    /// core\exception\coding_exception
    pub const CODING: &str = "core\\exception\\coding_exception";
    /// core\exception\required_capability_exception
    pub const REQUIRED_CAPABILITY: &str = "core\\exception\\required_capability_exception";
    /// core\exception\require_login_exception
    pub const REQUIRE_LOGIN: &str = "core\\exception\\require_login_exception";
    /// core\exception\invalid_response_exception
    pub const INVALID_RESPONSE: &str = "core\\exception\\invalid_response_exception";
    /// webservice_access_exception (not namespaced)
    pub const WS_ACCESS: &str = "webservice_access_exception";
    /// dml_missing_record_exception (not namespaced)
    pub const DML_MISSING: &str = "dml_missing_record_exception";
}

/// An exception escaping a web-service call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{exception}/{}: {message}", errorcode.as_deref().unwrap_or("-"))]
pub struct WsError {
    /// `get_class($ex)`
    pub exception: String,
    /// `$ex->errorcode` (absent for a PHP `Error`)
    pub errorcode: Option<String>,
    /// `$ex->getMessage()`
    pub message: String,
    /// `$ex->debuginfo`
    pub debuginfo: Option<String>,
}

/// Site debug level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DebugLevel {
    /// Default: no debuginfo.
    #[default]
    Off,
    /// DEBUG_NORMAL: debuginfo present.
    Normal,
    /// DEBUG_DEVELOPER + debugdisplay: debuginfo present and appended to the message.
    Developer,
}

impl WsError {
    /// Generic constructor.
    pub fn new(exception: &str, errorcode: &str, message: impl Into<String>) -> Self {
        Self {
            exception: exception.to_owned(),
            errorcode: Some(errorcode.to_owned()),
            message: message.into(),
            debuginfo: None,
        }
    }

    /// Attach debuginfo.
    pub fn debug(mut self, d: impl Into<String>) -> Self {
        self.debuginfo = Some(d.into());
        self
    }

    /// `moodle_exception` with a message.
    pub fn moodle(errorcode: &str, message: impl Into<String>) -> Self {
        Self::new(class::MOODLE, errorcode, message)
    }

    /// `invalid_parameter_exception` with debuginfo.
    pub fn invalid_parameter(debuginfo: impl Into<String>) -> Self {
        Self::new(
            class::INVALID_PARAMETER,
            "invalidparameter",
            "Invalid parameter value detected",
        )
        .debug(debuginfo)
    }

    /// `required_capability_exception` for a capability's human name.
    pub fn nopermissions(capname: &str) -> Self {
        Self::new(
            class::REQUIRED_CAPABILITY,
            "nopermissions",
            format!("Sorry, but you do not currently have permissions to do that ({capname})."),
        )
    }

    /// `coding_exception`.
    pub fn coding(msg: &str) -> Self {
        Self::new(
            class::CODING,
            "codingerror",
            format!("Coding error detected, it must be fixed by a programmer: {msg}"),
        )
    }

    /// `dml_missing_record_exception` `invalidrecord` for a table, with the SQL as debuginfo.
    pub fn invalid_record(table: &str, sql: &str, param: &str) -> Self {
        Self::new(
            class::DML_MISSING,
            "invalidrecord",
            format!("Can't find data record in database table {table}."),
        )
        .debug(format!("{sql}\n[array (\n  0 => {param},\n)]"))
    }

    /// `invalidrecord` on table course (`get_course`/`MUST_EXIST`).
    pub fn course_not_found(id: i64) -> Self {
        Self::invalid_record("course", "SELECT * FROM {course} WHERE id = ?", &id.to_string())
    }

    /// `dml_missing_record_exception` `invaliduser` (`core_user::get_user(MUST_EXIST)`).
    pub fn invalid_user(id: i64) -> Self {
        Self::new(class::DML_MISSING, "invaliduser", "Invalid user").debug(format!(
            "SELECT * FROM {{user}} WHERE id = ?\n[array (\n  0 => {id},\n)]"
        ))
    }

    /// `require_login_exception`.
    pub fn require_login(reason: &str) -> Self {
        Self::new(
            class::REQUIRE_LOGIN,
            "requireloginerror",
            "Course or activity not accessible.",
        )
        .debug(reason)
    }

    /// `webservice_access_exception`.
    pub fn access(debuginfo: impl Into<String>) -> Self {
        Self::new(class::WS_ACCESS, "accessexception", "Access control exception").debug(debuginfo)
    }

    /// A PHP `Error` escaping the function: no errorcode.
    pub fn php_error(message: &str) -> Self {
        Self {
            exception: "Error".to_owned(),
            errorcode: None,
            message: message.to_owned(),
            debuginfo: None,
        }
    }

    fn visible(&self, debug: DebugLevel) -> (String, Option<&str>) {
        let dbg = match debug {
            DebugLevel::Off => None,
            _ => self.debuginfo.as_deref(),
        };
        let msg = match (debug, &self.debuginfo) {
            (DebugLevel::Developer, Some(d)) if self.errorcode.is_some() => {
                format!("{} ({d})", self.message)
            }
            _ => self.message.clone(),
        };
        (msg, dbg)
    }

    /// JSON body: keys `exception, errorcode, message[, debuginfo]`.
    pub fn to_json(&self, debug: DebugLevel) -> String {
        let (msg, dbg) = self.visible(debug);
        let mut o = J::obj().with("exception", self.exception.as_str());
        if let Some(c) = &self.errorcode {
            o.push("errorcode", c.as_str());
        }
        o.push("message", msg);
        if let Some(d) = dbg {
            o.push("debuginfo", d);
        }
        o.to_json()
    }

    /// XML body.
    pub fn to_xml(&self, debug: DebugLevel) -> String {
        let (msg, dbg) = self.visible(debug);
        let mut s = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<EXCEPTION class=\"{}\">\n",
            xml_text(&self.exception)
        );
        if let Some(c) = &self.errorcode {
            s.push_str(&format!("<ERRORCODE>{}</ERRORCODE>\n", xml_text(c)));
        }
        s.push_str(&format!("<MESSAGE>{}</MESSAGE>\n", xml_text(&msg)));
        if let Some(d) = dbg {
            s.push_str(&format!("<DEBUGINFO>{}</DEBUGINFO>\n", xml_text(d)));
        }
        s.push_str("</EXCEPTION>\n");
        s
    }
}

/// The `accessexception` debuginfo for a function not in the token's service.
pub fn function_not_allowed_debuginfo(name: &str) -> String {
    let pad = "\n                     ";
    [
        format!("Access to the function {name}() is not allowed."),
        "There could be multiple reasons for this:".to_owned(),
        "1. The service linked to the user token does not contain the function.".to_owned(),
        "2. The service is user-restricted and the user is not listed.".to_owned(),
        "3. The service is IP-restricted and the user IP is not listed.".to_owned(),
        "4. The service is time-restricted and the time has expired.".to_owned(),
        "5. The token is time-restricted and the time has expired.".to_owned(),
        "6. The service requires a specific capability which the user does not have.".to_owned(),
        "7. The function is called with username/password (no user token is sent)".to_owned(),
        "and none of the services has the function to allow the user.".to_owned(),
        "These settings can be found in Administration > Site administration".to_owned(),
        "> Server > Web services > External services and Manage tokens.".to_owned(),
    ]
    .join(pad)
}
