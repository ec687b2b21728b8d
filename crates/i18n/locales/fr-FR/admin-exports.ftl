# CSV exports of the audit log and the certificates.
export-operators-csv = Exporter les actions des opérateurs (CSV)
export-changes-csv = Exporter les modifications dans Moodle (CSV)
export-certificates-csv = Exporter tous les certificats de cette recherche (CSV)
audit-older = Entrées plus anciennes →
