//! The web admin: signed-in pages over the engine's services, in the reader's language.

mod audit;
mod catalogue;
mod certificates;
mod chrome;
mod connections;
mod csv_file;
pub(crate) mod dashboard;
mod deliveries;
mod enrolments;
mod events;
mod invoices;
mod job_errors;
mod jobs;
mod learners;
mod listing;
mod login;
mod mappings;
mod operations;
mod seat_import;
mod settings;
mod template;
mod tokens;
mod users;

pub use chrome::reader_locale;

use axum::Router;
use axum::routing::{get, post};
use mm_engine::Engine;
use std::sync::Arc;

/// The admin's pages and forms.
pub fn routes() -> Router<Arc<Engine>> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::sign_out))
        .route("/me/locale", post(users::set_locale))
        .route("/enrolments", get(enrolments::show))
        .route("/enrolments.csv", get(enrolments::export))
        .route("/jobs", get(jobs::show).post(jobs::act))
        .route("/learners", get(learners::show))
        .route("/learners.csv", get(learners::export))
        .route("/learners/{email}", get(learners::detail))
        .route("/certificates", get(certificates::show))
        .route(
            "/certificates/{code}",
            get(certificates::download).post(certificates::act),
        )
        .route("/certificates/template", get(template::show).post(template::save))
        .route("/certificates/template/preview.png", get(template::preview))
        .route("/audit", get(audit::show))
        .route("/audit/actions.csv", get(audit::export_actions))
        .route("/audit/changes.csv", get(audit::export_changes))
        .route("/certificates.csv", get(certificates::export))
        .route("/deliveries", get(deliveries::show).post(deliveries::reapply))
        .route("/mappings", get(mappings::list))
        .route("/mappings.csv", get(mappings::export))
        .route("/mappings/new", get(mappings::new_form))
        .route("/mappings/edit", get(mappings::edit_form))
        .route("/mappings/save", post(mappings::save))
        .route("/mappings/remove", post(mappings::remove))
        .route("/mappings/import", get(mappings::import_form).post(mappings::import))
        .route("/seats/import", get(seat_import::form).post(seat_import::import))
        .route("/seats", get(catalogue::seats).post(catalogue::change_seat))
        .route("/plan", get(operations::plan))
        .route("/drift", get(operations::drift).post(operations::sweep))
        .route("/sites", get(connections::sites).post(connections::test_sites))
        .route("/sites/edit", get(connections::site_form).post(connections::save_site))
        .route("/sites/remove", post(connections::remove_site))
        .route("/sources", get(connections::sources).post(connections::save_source))
        .route("/sources/new", get(connections::new_source))
        .route(
            "/sources/{name}",
            get(connections::source).post(connections::act_on_source),
        )
        .route("/subscribers", get(events::subscribers).post(events::act_on_subscriber))
        .route("/events", get(events::deliveries).post(events::redeliver))
        .route("/events/{id}", get(events::delivery))
        .route("/search", get(invoices::search))
        .route("/invoices/{source}/{id}", get(invoices::story))
        .route("/settings", get(settings::show))
        .route("/tokens", get(tokens::show).post(tokens::create))
        .route("/tokens/revoke", post(tokens::revoke))
        .route("/users", get(users::show).post(users::add))
        .route("/users/change", post(users::change))
}
