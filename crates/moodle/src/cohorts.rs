//! Cohorts (`core_cohort_add_cohort_members`): per-item problems are warnings, and adding an
//! existing member is warning `3`, so the call is idempotent.

use serde::{Deserialize, Serialize};

use crate::Warning;
use crate::batch::{BatchError, BatchFailure};
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

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

#[derive(Deserialize)]
pub(crate) struct WarningsOnly {
    #[serde(default)]
    pub(crate) warnings: Vec<Warning>,
}

impl MoodleClient {
    /// Add members; returns Moodle's per-item warnings (`1` bad type, `2` not found, `3`
    /// already a member).
    pub async fn add_cohort_members(&self, members: &[CohortMember]) -> Result<Vec<Warning>, BatchError> {
        let results = self
            .per_chunk(members.len(), |range| {
                let mut f = Form::new();
                for (i, m) in members[range].iter().enumerate() {
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
                async move {
                    let w: WarningsOnly = self
                        .call("core_cohort_add_cohort_members", &f, Mode::Idempotent)
                        .await?;
                    Ok(w.warnings)
                }
            })
            .await;
        let mut warnings = Vec::new();
        let mut failures = Vec::new();
        for (range, r) in results {
            match r {
                Ok(w) => warnings.extend(w),
                Err(error) => failures.push(BatchFailure { range, error }),
            }
        }
        if failures.is_empty() {
            Ok(warnings)
        } else {
            Err(BatchError {
                total: members.len(),
                failures,
                created: Vec::new(),
            })
        }
    }
}
