//! Badges (`core_badges_get_user_badges`).

use serde::{Deserialize, Serialize};

use crate::Warning;
use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// An issued badge (subset of fields; other users' badges carry fewer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Badge {
    /// Badge id.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub id: Option<i64>,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Course id for course badges.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub courseid: Option<i64>,
    /// Issuer.
    #[serde(default)]
    pub issuername: Option<String>,
    /// Hash of the issued badge (public verification URL).
    #[serde(default)]
    pub uniquehash: Option<String>,
    /// Issued at.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub dateissued: Option<i64>,
    /// Expires at.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub dateexpire: Option<i64>,
    /// Image URL.
    #[serde(default)]
    pub badgeurl: Option<String>,
}

/// Answer of `core_badges_get_user_badges`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserBadges {
    /// Badges.
    #[serde(default)]
    pub badges: Vec<Badge>,
    /// Warnings.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

impl MoodleClient {
    /// Badges of `userid` (`None` = the token user).
    pub async fn user_badges(&self, userid: Option<i64>) -> Result<UserBadges, MoodleError> {
        let mut f = Form::new();
        if let Some(id) = userid {
            f.int("userid", id);
        }
        self.call("core_badges_get_user_badges", &f, Mode::Idempotent).await
    }
}
