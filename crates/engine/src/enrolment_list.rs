//! The web admin's enrolment list, paginated by the database, and its export (the whole
//! filtered list, read in chunks so that 100,000 rows are never held at once).

use crate::Engine;
use mm_store::{EnrolmentFilter, EnrolmentListRow, EnrolmentSort, EnrolmentWindow, ListKey, SortDirection, StoreError};

/// The most rows a page holds, whatever is asked.
pub const MAX_PER_PAGE: u32 = 500;

/// The rows an export reads at a time.
const EXPORT_CHUNK: i64 = 1000;

/// A page of the enrolment list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentQuery {
    pub filter: EnrolmentFilter,
    pub sort: EnrolmentSort,
    pub direction: SortDirection,
    /// From 1.
    pub page: u32,
    /// 1 to [`MAX_PER_PAGE`].
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentPage {
    pub rows: Vec<EnrolmentListRow>,
    /// Rows the filter holds, on every page.
    pub total: i64,
    /// The page shown (from 1; past the last one shows none).
    pub page: u32,
    pub per_page: u32,
}

impl EnrolmentPage {
    /// How many pages the filter fills (at least one, empty).
    pub fn pages(&self) -> i64 {
        let per_page = i64::from(self.per_page.max(1));
        ((self.total + per_page - 1) / per_page).max(1)
    }
}

impl Engine {
    /// One page of the filtered, sorted enrolment list, and how many rows the filter holds.
    pub async fn enrolment_page(&self, query: &EnrolmentQuery) -> Result<EnrolmentPage, StoreError> {
        let page = query.page.max(1);
        let per_page = query.per_page.clamp(1, MAX_PER_PAGE);
        let window = EnrolmentWindow {
            sort: query.sort,
            direction: query.direction,
            offset: (i64::from(page) - 1) * i64::from(per_page),
            limit: i64::from(per_page),
        };
        let (rows, total) = tokio::try_join!(
            self.store.enrolment_list(&query.filter, &window),
            self.store.enrolment_count(&query.filter),
        )?;
        Ok(EnrolmentPage {
            rows,
            total,
            page,
            per_page,
        })
    }

    /// The whole filtered list in key order (site, course, learner), handed to `sink` a chunk
    /// at a time (the web layer writes each as CSV). Returns how many rows were handed over.
    pub async fn enrolments_export<F>(&self, filter: &EnrolmentFilter, mut sink: F) -> Result<u64, StoreError>
    where
        F: FnMut(&[EnrolmentListRow]),
    {
        let mut after: Option<ListKey> = None;
        let mut count = 0u64;
        loop {
            let chunk = self.store.enrolment_chunk(filter, after.as_ref(), EXPORT_CHUNK).await?;
            sink(&chunk);
            count += chunk.len() as u64;
            match chunk.last() {
                Some(last) if chunk.len() as i64 == EXPORT_CHUNK => {
                    after = Some(ListKey {
                        site: last.site.clone(),
                        course: last.course.clone(),
                        learner: last.learner.clone(),
                    });
                }
                _ => return Ok(count),
            }
        }
    }
}
