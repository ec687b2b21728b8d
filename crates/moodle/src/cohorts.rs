//! Cohorts (`core_cohort_add_cohort_members`): per-item problems are warnings, and adding an
//! existing member is warning `3`, so the call is idempotent.

use serde::{Deserialize, Serialize};

use crate::Warning;
use crate::batch::{self, BatchError};
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};
use crate::users::WarningsOnly;

/// Which cohort.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CohortRef {
    /// By id.
    Id(i64),
    /// By id number.
    Idnumber(String),
}

/// Which user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserRef {
    /// By id.
    Id(i64),
    /// By username.
    Username(String),
}

/// A membership to add.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CohortMember {
    /// Cohort.
    pub cohort: CohortRef,
    /// User.
    pub user: UserRef,
}

fn members_form(members: &[CohortMember]) -> Form {
    let mut f = Form::new();
    for (i, m) in members.iter().enumerate() {
        let mut item = f.item("members", i);
        {
            let mut c = item.scope("cohorttype");
            match &m.cohort {
                CohortRef::Id(id) => c.text("type", "id").int("value", *id),
                CohortRef::Idnumber(s) => c.text("type", "idnumber").text("value", s.as_str()),
            };
        }
        let mut u = item.scope("usertype");
        match &m.user {
            UserRef::Id(id) => u.text("type", "id").int("value", *id),
            UserRef::Username(s) => u.text("type", "username").text("value", s.as_str()),
        };
    }
    f
}

impl MoodleClient {
    /// Add members; returns Moodle's per-item warnings (`1` bad type, `2` not found, `3`
    /// already a member).
    pub async fn add_cohort_members(&self, members: &[CohortMember]) -> Result<Vec<Warning>, BatchError> {
        let results = self
            .call_batched::<WarningsOnly>("core_cohort_add_cohort_members", Mode::Idempotent, members.len(), |r| {
                members_form(&members[r])
            })
            .await;
        let answers = batch::collect(members.len(), results)?;
        Ok(answers.into_iter().flat_map(|w| w.warnings).collect())
    }
}
