//! What a certificate says, and its one canonical byte form (the bytes that are signed).

use serde::{Deserialize, Serialize};

/// The signed facts of a certificate, as printed on it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CertificatePayload {
    /// The human certificate number (e.g. `2025-000123`).
    pub number: String,
    /// The verification code in the URL (see [`crate::random_code`]).
    pub code: String,
    pub learner: String,
    pub course: String,
    /// Course hours as printed (`"20"`, `"7.5"`), when the course has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// `YYYY-MM-DD`.
    pub completed_on: String,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    /// `YYYY-MM-DD`, for certificates that expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Starts at 1; a reissue of the same certificate (same code) counts up.
    pub version: u32,
    /// The issuing organisation's name, as printed.
    pub issuer: String,
}

/// The canonical form: keys in alphabetical order (the declaration order below, which is
/// what serde writes, whatever map type `serde_json` was built with), no whitespace, UTF-8,
/// absent optionals left out.
#[derive(Serialize)]
struct Canonical<'a> {
    code: &'a str,
    completed_on: &'a str,
    course: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hours: Option<&'a str>,
    issued_on: &'a str,
    issuer: &'a str,
    learner: &'a str,
    number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_until: Option<&'a str>,
    version: u32,
}

impl CertificatePayload {
    /// The bytes that are signed and carried in the token.
    pub fn canonical(&self) -> Vec<u8> {
        let canonical = Canonical {
            code: &self.code,
            completed_on: &self.completed_on,
            course: &self.course,
            hours: self.hours.as_deref(),
            issued_on: &self.issued_on,
            issuer: &self.issuer,
            learner: &self.learner,
            number: &self.number,
            valid_until: self.valid_until.as_deref(),
            version: self.version,
        };
        // Serialising strings and an integer into memory cannot fail.
        serde_json::to_vec(&canonical).unwrap_or_default()
    }

    /// Reads canonical bytes back; `None` unless `bytes` are exactly the canonical form of
    /// what they decode to (so one certificate has one signed spelling).
    pub(crate) fn from_canonical(bytes: &[u8]) -> Option<CertificatePayload> {
        let payload: CertificatePayload = serde_json::from_slice(bytes).ok()?;
        (payload.canonical() == bytes).then_some(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> CertificatePayload {
        CertificatePayload {
            number: "2025-000123".into(),
            code: "abc".into(),
            learner: "Zoë \"Z\" Núñez".into(),
            course: "Prevención".into(),
            hours: None,
            completed_on: "2025-03-01".into(),
            issued_on: "2025-03-02".into(),
            valid_until: Some("2027-03-02".into()),
            version: 1,
            issuer: "Academia".into(),
        }
    }

    #[test]
    fn canonical_keys_are_sorted_and_absent_optionals_omitted() {
        let bytes = payload().canonical();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(!text.contains("hours"));
        assert!(
            !text.contains(": ") && !text.contains(", ") && !text.contains('\n'),
            "{text}"
        );
        assert!(text.contains("Zoë"), "UTF-8 is written as is: {text}");
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        // The order in the text, not the map's: find each key's position.
        let positions: Vec<usize> = sorted
            .iter()
            .map(|key| text.find(&format!("\"{key}\":")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{text}");
        assert_eq!(keys.len(), 9);
    }

    #[test]
    fn canonical_round_trips_and_refuses_other_spellings() {
        let original = payload();
        let bytes = original.canonical();
        assert_eq!(CertificatePayload::from_canonical(&bytes), Some(original.clone()));
        let spaced = serde_json::to_vec_pretty(&original).unwrap();
        assert_eq!(CertificatePayload::from_canonical(&spaced), None);
        let mut extra = serde_json::to_value(&original).unwrap();
        extra["extra"] = serde_json::json!(1);
        assert_eq!(
            CertificatePayload::from_canonical(&serde_json::to_vec(&extra).unwrap()),
            None
        );
    }
}
