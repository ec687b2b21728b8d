//! The admin's learners: the list (searched, sorted and paged by the database; the whole
//! filtered list for CSV) and one learner's page — their Moodle account on each site, their
//! enrolments with progress, certificates, invoices and the history of Moodle changes. The page
//! shows this; it decides nothing. (`learners` is the worker's account resolver, not this.)

use crate::Engine;
use mm_core::entitlement::Access;
use mm_core::{Entitlement, InvoiceKey};
use mm_store::{
    AuditRecord, CertificateFilter, CertificateRow, EntitlementRow, LearnerFilter, LearnerListRow, LearnerSort,
    LearnerWindow, ProgressRow, SortDirection, StoreError,
};

/// The most rows a page holds, whatever is asked.
pub const MAX_PER_PAGE: u32 = 500;

/// The rows an export reads at a time.
const EXPORT_CHUNK: i64 = 1000;

/// A page of the learner list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerQuery {
    pub filter: LearnerFilter,
    pub sort: LearnerSort,
    pub direction: SortDirection,
    /// From 1.
    pub page: u32,
    /// 1 to [`MAX_PER_PAGE`].
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerPage {
    pub rows: Vec<LearnerListRow>,
    /// Learners the filter holds, on every page.
    pub total: i64,
    /// The page shown (from 1; past the last one shows none).
    pub page: u32,
    pub per_page: u32,
}

impl LearnerPage {
    /// How many pages the filter fills (at least one, empty).
    pub fn pages(&self) -> i64 {
        let per_page = i64::from(self.per_page.max(1));
        ((self.total + per_page - 1) / per_page).max(1)
    }
}

/// One learner, as their page shows them.
#[derive(Debug, Clone)]
pub struct LearnerDetail {
    pub email: String,
    /// As their latest entitlement names them.
    pub name: String,
    pub accounts: Vec<LearnerAccountView>,
    pub enrolments: Vec<LearnerEnrolment>,
    pub certificates: Vec<CertificateRow>,
    pub invoices: Vec<LearnerInvoice>,
    /// The Moodle changes made for them, oldest first.
    pub history: Vec<AuditRecord>,
}

/// Their Moodle account on one site: its id, and whether we created it or matched theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerAccountView {
    pub site: String,
    pub user_id: i64,
    /// We created it (`create_user`); else an existing account was matched by email or idnumber.
    pub created: bool,
    /// When it was created, or first used; `None` when the history does not say.
    pub since: Option<i64>,
}

/// One of their entitlements with what Moodle holds, its job and their progress.
#[derive(Debug, Clone)]
pub struct LearnerEnrolment {
    pub row: EntitlementRow,
    /// The access the invoices give: from, and until (`None`: no end); `None` when revoked.
    pub access: Option<(i64, Option<i64>)>,
    pub progress: Option<ProgressRow>,
}

/// An invoice behind one of their entitlements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerInvoice {
    pub key: InvoiceKey,
    pub number: String,
    pub paid: bool,
    pub deleted: bool,
}

impl Engine {
    /// One page of the searched, sorted learner list, and how many learners the search holds.
    pub async fn learner_page(&self, query: &LearnerQuery) -> Result<LearnerPage, StoreError> {
        let page = query.page.max(1);
        let per_page = query.per_page.clamp(1, MAX_PER_PAGE);
        let window = LearnerWindow {
            sort: query.sort,
            direction: query.direction,
            offset: (i64::from(page) - 1) * i64::from(per_page),
            limit: i64::from(per_page),
        };
        let (rows, total) = tokio::try_join!(
            self.store.learner_list(&query.filter, &window),
            self.store.learner_count(&query.filter),
        )?;
        Ok(LearnerPage {
            rows,
            total,
            page,
            per_page,
        })
    }

    /// The whole filtered list by email, handed to `sink` a chunk at a time (the web layer
    /// writes each as CSV). Returns how many learners were handed over.
    pub async fn learners_export<F>(&self, filter: &LearnerFilter, mut sink: F) -> Result<u64, StoreError>
    where
        F: FnMut(&[LearnerListRow]),
    {
        let mut after: Option<String> = None;
        let mut count = 0u64;
        loop {
            let chunk = self.store.learner_chunk(filter, after.as_deref(), EXPORT_CHUNK).await?;
            sink(&chunk);
            count += chunk.len() as u64;
            match chunk.last() {
                Some(last) if chunk.len() as i64 == EXPORT_CHUNK => after = Some(last.email.clone()),
                _ => return Ok(count),
            }
        }
    }

    /// One learner's page, or `None` when we know nothing of this email.
    pub async fn learner_detail(&self, email: &str) -> anyhow::Result<Option<LearnerDetail>> {
        let email = email.trim().to_lowercase();
        let (rows, accounts, progress, history) = tokio::try_join!(
            self.store.entitlement_rows_of(&email),
            self.store.learner_accounts(&email),
            self.store.learner_progress(&email),
            self.store.audit_of_learner(&email),
        )?;
        if rows.is_empty() && accounts.is_empty() {
            return Ok(None);
        }
        let certificates = self
            .list_certificates(&CertificateFilter {
                learner: Some(email.clone()),
                ..CertificateFilter::default()
            })
            .await?;
        let entitlements: Vec<Option<Entitlement>> = rows
            .iter()
            .map(|r| serde_json::from_value(r.entitlement.clone()).ok())
            .collect();
        let name = entitlements
            .iter()
            .flatten()
            .map(|e| {
                format!("{} {}", e.profile.firstname, e.profile.lastname)
                    .trim()
                    .to_owned()
            })
            .find(|n| !n.is_empty())
            .unwrap_or_default();
        let invoices = self.invoices_of(&entitlements).await?;
        let enrolments = rows
            .into_iter()
            .zip(&entitlements)
            .map(|(row, e)| LearnerEnrolment {
                access: e.as_ref().and_then(|e| match e.access {
                    Access::Active { start, end } => Some((start.0, end.map(|t| t.0))),
                    Access::Revoked { .. } => None,
                }),
                progress: progress
                    .iter()
                    .find(|p| p.key.site == row.site && p.key.course.to_string() == row.course)
                    .cloned(),
                row,
            })
            .collect();
        let accounts = accounts.into_iter().map(|a| account_view(a, &history)).collect();
        Ok(Some(LearnerDetail {
            email,
            name,
            accounts,
            enrolments,
            certificates,
            invoices,
            history,
        }))
    }

    /// The invoices behind the entitlements, each once, in the order first caused.
    async fn invoices_of(&self, entitlements: &[Option<Entitlement>]) -> Result<Vec<LearnerInvoice>, StoreError> {
        let mut keys: Vec<&InvoiceKey> = Vec::new();
        for cause in entitlements.iter().flatten().flat_map(|e| &e.causes) {
            if !keys.contains(&&cause.invoice) {
                keys.push(&cause.invoice);
            }
        }
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(r) = self.store.invoice_record(key).await? {
                out.push(LearnerInvoice {
                    key: key.clone(),
                    number: r.invoice.number,
                    paid: r.invoice.paid_at.is_some(),
                    deleted: r.invoice.deleted,
                });
            }
        }
        Ok(out)
    }
}

/// Created when the history holds our `create_user` on the site; else matched, since the
/// first change we made there.
fn account_view(a: mm_store::LearnerAccount, history: &[AuditRecord]) -> LearnerAccountView {
    let on_site = || history.iter().filter(|h| h.site == a.site && h.ok);
    let created = on_site().find(|h| h.action == "create_user");
    LearnerAccountView {
        created: created.is_some(),
        since: created.or_else(|| on_site().next()).map(|h| h.at),
        site: a.site,
        user_id: a.user_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audit(at: i64, site: &str, action: &str) -> AuditRecord {
        AuditRecord {
            id: at,
            at,
            site: site.into(),
            course: "C".into(),
            learner: "ada@example.org".into(),
            action: action.into(),
            before: None,
            after: None,
            reason: String::new(),
            job: String::new(),
            ok: true,
            error: None,
        }
    }

    #[test]
    fn an_account_is_created_when_we_made_it_and_matched_otherwise() {
        let history = vec![
            audit(5, "main", "enrol"),
            audit(7, "main", "create_user"),
            audit(3, "other", "enrol"),
        ];
        let account = |site: &str| mm_store::LearnerAccount {
            site: site.into(),
            user_id: 9,
        };
        let main = account_view(account("main"), &history);
        assert!(main.created);
        assert_eq!(main.since, Some(7));
        let other = account_view(account("other"), &history);
        assert!(!other.created);
        assert_eq!(other.since, Some(3));
        assert_eq!(account_view(account("third"), &history).since, None);
    }
}
