//! The gate of `ApiController::run` (contract §1.2–§1.4): API disabled, preflight, IP ban,
//! token (`X-Auth-Token` wins, even empty), per-resource permissions, translated messages.

use axum::http::HeaderMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

pub const INCIDENT_EXPIRATION: Duration = Duration::from_secs(600);
pub const MAX_INCIDENTS: usize = 5;

/// `Session::getClientIp`: CF-Connecting-IP, then the raw X-Forwarded-For, then the peer.
pub fn client_ip(headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
    for h in ["cf-connecting-ip", "x-forwarded-for"] {
        if let Some(v) = headers.get(h).and_then(|v| v.to_str().ok())
            && !v.is_empty()
        {
            return v.to_string();
        }
    }
    peer.map(|p| p.ip().to_string())
        .unwrap_or_else(|| "127.0.0.1".to_string())
}

/// `header('X-Auth-Token', default: header('Token', ''))`.
pub fn token(headers: &HeaderMap) -> String {
    if let Some(v) = headers.get("x-auth-token") {
        return v.to_str().unwrap_or_default().to_string();
    }
    headers
        .get("token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

pub fn count_incidents(incidents: &[(String, Instant)], ip: &str) -> usize {
    incidents
        .iter()
        .filter(|(i, t)| i == ip && t.elapsed() < INCIDENT_EXPIRATION)
        .count()
}

/// Language from the `fsLang` cookie (default en_EN).
pub fn spanish(headers: &HeaderMap) -> bool {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.split(';').any(|p| p.trim() == "fsLang=es_ES"))
}

pub fn msg(key: &str, es: bool) -> &'static str {
    match (key, es) {
        ("api-disabled", false) => "API disabled. You can activate it from application preferences.",
        ("api-disabled", true) => "API desactivada. Puede activarla desde el panel de control",
        ("ip-banned", false) => "For security reasons, access from your IP has been blocked for 10 minutes.",
        ("ip-banned", true) => "Por motivos de seguridad se ha bloqueado durante 10 minutos el acceso desde su IP.",
        ("auth-token-invalid", false) => "Invalid auth token",
        ("auth-token-invalid", true) => "Clave de API no válida",
        ("forbidden", false) => "Forbidden",
        ("forbidden", true) => "Prohibido",
        ("api-version-not-found", false) => "API version not found",
        ("api-version-not-found", true) => "Versión de API no encontrada",
        ("api-version-invalid", false) => "Invalid API version",
        ("api-version-invalid", true) => "Versión de API no válida",
        ("api-resource-invalid", false) => "Invalid API resource",
        ("api-resource-invalid", true) => "Recurso de API no válido",
        ("record-not-found", false) => "Record not found",
        ("record-not-found", true) => "Registro no encontrado",
        ("record-updated-correctly", false) => "Record updated correctly!",
        ("record-updated-correctly", true) => "Registro actualizado correctamente.",
        ("record-deleted-correctly", false) => "Record deleted correctly!",
        ("record-deleted-correctly", true) => "¡Registro eliminado correctamente!",
        ("record-deleted-error", false) => "Error when deleting the record",
        ("record-deleted-error", true) => "Error al eliminar el registro",
        ("record-save-error", false) => "An error occurred while saving the record",
        ("record-save-error", true) => "Ha ocurrido un error mientras se guardaban los datos",
        ("duplicate-record", false) => "Duplicated record",
        ("duplicate-record", true) => "Registro duplicado",
        ("no-data-received-form", _) => "Ningún dato recibido por formulario",
        ("no-changes", false) => "No changes",
        ("no-changes", true) => "Sin cambios",
        ("non-editable-document", false) => "Non editable document",
        ("non-editable-document", true) => "Documento no editable",
        _ => "",
    }
}
