//! Cursor pagination: an opaque base64url cursor (it carries the page and its size) and a
//! `limit` (default 50, at most 500), answered as `{"items": […], "next_cursor": …}`.

use super::problem::invalid;
use crate::error::ApiError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

/// Where a page starts: the engine's page number and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    #[serde(rename = "p")]
    pub page: u32,
    #[serde(rename = "n")]
    pub per_page: u32,
}

impl Position {
    /// From the query's `cursor` (which carries its page size) or else its `limit`.
    pub fn parse(cursor: Option<&str>, limit: Option<&str>) -> Result<Position, ApiError> {
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            let bytes = URL_SAFE_NO_PAD
                .decode(c)
                .map_err(|_| invalid("cursor", "this cursor is not one we gave: use next_cursor as answered"))?;
            let p: Position = serde_json::from_slice(&bytes)
                .map_err(|_| invalid("cursor", "this cursor is not one we gave: use next_cursor as answered"))?;
            if p.page == 0 || !(1..=MAX_LIMIT).contains(&p.per_page) {
                return Err(invalid(
                    "cursor",
                    "this cursor is not one we gave: use next_cursor as answered",
                ));
            }
            return Ok(p);
        }
        let per_page = match limit.filter(|l| !l.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(l) => l
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| invalid("limit", format!("limit must be a whole number from 1 to {MAX_LIMIT}")))?,
        };
        Ok(Position { page: 1, per_page })
    }

    /// The cursor of the next page, when `total` rows go past this one.
    pub fn next(self, total: i64) -> Option<String> {
        let seen = i64::from(self.page) * i64::from(self.per_page);
        (seen < total).then(|| {
            let next = Position {
                page: self.page + 1,
                per_page: self.per_page,
            };
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&next).unwrap_or_default())
        })
    }
}

impl Position {
    /// The cursor of the next page, when the engine said more rows follow.
    pub fn next_if(self, more: bool) -> Option<String> {
        self.next(if more { i64::MAX } else { 0 })
    }

    /// The rows before this page.
    pub fn offset(self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.per_page)
    }
}

/// A page of a list.
#[derive(Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass it as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Where a keyset page starts: below the last id shown (lists kept newest first, as the audit
/// logs and the event deliveries), and how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyset {
    pub before: Option<i64>,
    pub limit: u32,
}

impl Keyset {
    pub fn parse(cursor: Option<&str>, limit: Option<&str>) -> Result<Keyset, ApiError> {
        let limit = Position::parse(None, limit)?.per_page;
        let before = match cursor.filter(|c| !c.is_empty()) {
            Some(c) => Some(
                c.parse::<i64>()
                    .map_err(|_| invalid("cursor", "pass `next_cursor` as it came"))?,
            ),
            None => None,
        };
        Ok(Keyset { before, limit })
    }

    /// The cursor of the page after the one that ends at `last`.
    pub fn cursor_after(last: i64) -> String {
        last.to_string()
    }
}

/// A sort parameter: a column, descending when it starts with `-`.
pub fn sort_of<'a>(given: Option<&'a str>, columns: &[&str]) -> Result<(Option<&'a str>, bool), ApiError> {
    let Some(s) = given.filter(|s| !s.is_empty()) else {
        return Ok((None, false));
    };
    let (column, descending) = match s.strip_prefix('-') {
        Some(c) => (c, true),
        None => (s, false),
    };
    if !columns.contains(&column) {
        return Err(invalid(
            "sort",
            format!("sort by one of {} (a leading - sorts descending)", columns.join(", ")),
        ));
    }
    Ok((Some(column), descending))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_leads_to_the_next_page_and_a_forged_one_is_refused() {
        let first = Position::parse(None, Some("2")).unwrap();
        let cursor = first.next(5).unwrap();
        let second = Position::parse(Some(&cursor), None).unwrap();
        assert_eq!((second.page, second.per_page), (2, 2));
        assert!(second.next(4).is_none());
        assert!(Position::parse(Some("bm9wZQ"), None).is_err());
        assert!(Position::parse(None, Some("501")).is_err());
    }
}
