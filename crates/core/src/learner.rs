//! Learners: the person who gets the course, identified by a normalised email.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An email address, trimmed and lower-cased, parsed once at the edge.
///
/// Moodle compares emails case-insensitively when creating users but not always when
/// searching (see DESIGN.md trap 3), so we keep one canonical form everywhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the email is empty")]
    Empty,
    #[error("`{0}` is not an email address (expected name@domain.tld)")]
    Invalid(String),
}

impl Email {
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        let valid = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if valid {
            Ok(Email(s))
        } else {
            Err(EmailError::Invalid(raw.trim().to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What Moodle needs to create the learner's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerProfile {
    pub email: Email,
    pub firstname: String,
    pub lastname: String,
    /// A stable identity outliving the email (`mm:<source>:<customer id>` for a buyer):
    /// set on the accounts we create and matched when the email no longer is, so a learner
    /// whose address changes keeps their account, grades and progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idnumber: Option<String>,
}

impl LearnerProfile {
    /// The first and last names as the source keeps them apart (a FacturaScripts contact's
    /// `nombre` and `apellidos`); a blank one falls back to splitting `full_name`.
    pub fn from_names(email: Email, first: &str, last: &str, full_name: &str) -> LearnerProfile {
        let (first, last) = (first.trim(), last.trim());
        if first.is_empty() {
            return LearnerProfile::from_billing_name(email, full_name);
        }
        LearnerProfile {
            firstname: first.to_string(),
            lastname: if last.is_empty() {
                "-".to_string()
            } else {
                last.to_string()
            },
            email,
            idnumber: None,
        }
    }

    /// Splits a billing name ("Ada Lovelace", "Lovelace, Ada", "Acme SL") into Moodle's
    /// required first and last names; neither may be blank in Moodle.
    pub fn from_billing_name(email: Email, name: &str) -> LearnerProfile {
        let name = name.trim();
        let (first, last) = if let Some((last, first)) = name.split_once(',') {
            (first.trim().to_string(), last.trim().to_string())
        } else if let Some((first, last)) = name.rsplit_once(' ') {
            (first.trim().to_string(), last.trim().to_string())
        } else {
            (name.to_string(), String::new())
        };
        LearnerProfile {
            firstname: if first.is_empty() {
                email.as_str().split('@').next().unwrap_or("learner").to_string()
            } else {
                first
            },
            lastname: if last.is_empty() { "-".to_string() } else { last },
            email,
            idnumber: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_validated() {
        let cases: &[(&str, Result<&str, ()>)] = &[
            ("Ada@Example.ORG", Ok("ada@example.org")),
            ("  bob@x.io ", Ok("bob@x.io")),
            ("", Err(())),
            ("   ", Err(())),
            ("no-at-sign", Err(())),
            ("a@b", Err(())),
            ("a@@b.com", Err(())),
            ("@b.com", Err(())),
            ("a b@c.com", Err(())),
            ("a@.com", Err(())),
        ];
        for (input, want) in cases {
            let got = Email::parse(input).map(|e| e.as_str().to_string()).map_err(|_| ());
            assert_eq!(got, want.map(str::to_string), "input {input:?}");
        }
    }

    #[test]
    fn billing_names_split_into_moodle_names() {
        let e = Email::parse("ada@example.org").unwrap();
        let cases = [
            ("Ada Lovelace", "Ada", "Lovelace"),
            ("Lovelace, Ada", "Ada", "Lovelace"),
            ("Ada King Lovelace", "Ada King", "Lovelace"),
            ("Acme", "Acme", "-"),
            ("", "ada", "-"),
        ];
        for (name, first, last) in cases {
            let p = LearnerProfile::from_billing_name(e.clone(), name);
            assert_eq!((p.firstname.as_str(), p.lastname.as_str()), (first, last), "{name:?}");
        }
    }

    #[test]
    fn separate_names_are_used_as_they_are() {
        let e = Email::parse("jose@example.org").unwrap();
        let p = LearnerProfile::from_names(e.clone(), " José ", "Ñúñez Müller", "José Ñúñez Müller");
        assert_eq!((p.firstname.as_str(), p.lastname.as_str()), ("José", "Ñúñez Müller"));
        let p = LearnerProfile::from_names(e.clone(), "Madonna", "", "Madonna");
        assert_eq!((p.firstname.as_str(), p.lastname.as_str()), ("Madonna", "-"));
        let p = LearnerProfile::from_names(e, "", "", "Ada Lovelace");
        assert_eq!((p.firstname.as_str(), p.lastname.as_str()), ("Ada", "Lovelace"));
    }
}
