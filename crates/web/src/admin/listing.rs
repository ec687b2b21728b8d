//! What the server-paged lists (enrolments, learners) share: their query string's sort column,
//! direction and page, and the links that change one of them and keep the rest.

use mm_store::SortDirection;
use serde::Serialize;

/// The sort column, direction and page of a list's query string, to change in place.
pub(super) struct Order<'a> {
    pub sort: &'a mut String,
    /// `asc` or `desc`.
    pub dir: &'a mut String,
    pub page: &'a mut Option<u32>,
}

/// A list page's query string: its own filters, plus an [`Order`].
pub(super) trait Listing: Clone + Serialize {
    fn order(&mut self) -> Order<'_>;

    /// The direction asked for (ascending unless `desc`).
    fn direction(&self) -> SortDirection {
        let mut p = self.clone();
        if p.order().dir == "desc" {
            SortDirection::Desc
        } else {
            SortDirection::Asc
        }
    }

    /// The query string of the same list on another page.
    fn on_page(&self, page: i64) -> String {
        let mut p = self.clone();
        *p.order().page = u32::try_from(page).ok();
        encode(&p)
    }

    /// The query string of the same list sorted by `column` (ascending, or reversed when it
    /// already is), from its first page.
    fn sorted_by(&self, column: &str) -> String {
        let mut p = self.clone();
        let order = p.order();
        let reverse = order.sort == column && order.dir != "desc";
        *order.dir = if reverse { "desc" } else { "asc" }.to_owned();
        *order.sort = column.to_owned();
        *order.page = None;
        encode(&p)
    }

    /// The query string of the whole list (every page), for its CSV export.
    fn export(&self) -> String {
        let mut p = self.clone();
        *p.order().page = None;
        encode(&p)
    }
}

fn encode(p: &impl Serialize) -> String {
    serde_urlencoded::to_string(p).unwrap_or_default()
}
