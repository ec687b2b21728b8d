//! The certificate template as an admin edited it (`certificate_template`): colours, the
//! signatory and the footer, each `None` when left to config.toml or the built-in default.

use crate::dialect::opt_text;
use crate::{Store, StoreError};
use mm_core::Timestamp;

/// The fields of the template an admin may set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateOverride {
    pub primary_colour: Option<String>,
    pub accent_colour: Option<String>,
    pub signatory_name: Option<String>,
    pub signatory_title: Option<String>,
    pub footer: Option<String>,
}

impl Store {
    /// The admin's template, or the empty one when they never saved one.
    pub async fn certificate_template(&self) -> Result<TemplateOverride, StoreError> {
        let row = self
            .query(
                "SELECT primary_colour, accent_colour, signatory_name, signatory_title, footer
                 FROM certificate_template WHERE scope = 'default'",
            )
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else {
            return Ok(TemplateOverride::default());
        };
        Ok(TemplateOverride {
            primary_colour: opt_text(&r, "primary_colour")?,
            accent_colour: opt_text(&r, "accent_colour")?,
            signatory_name: opt_text(&r, "signatory_name")?,
            signatory_title: opt_text(&r, "signatory_title")?,
            footer: opt_text(&r, "footer")?,
        })
    }

    pub async fn save_certificate_template(&self, t: &TemplateOverride, at: Timestamp) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO certificate_template (scope, primary_colour, accent_colour, signatory_name, signatory_title,
               footer, updated_at)
             VALUES ('default', $1, $2, $3, $4, $5, $6)
             ON CONFLICT (scope) DO UPDATE SET primary_colour = excluded.primary_colour,
               accent_colour = excluded.accent_colour, signatory_name = excluded.signatory_name,
               signatory_title = excluded.signatory_title, footer = excluded.footer, updated_at = excluded.updated_at",
        )
        .bind(t.primary_colour.as_deref())
        .bind(t.accent_colour.as_deref())
        .bind(t.signatory_name.as_deref())
        .bind(t.signatory_title.as_deref())
        .bind(t.footer.as_deref())
        .bind(at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
