# CSV exports of the audit log and the certificates.
export-operators-csv = Exporta el que han fet els operadors (CSV)
export-changes-csv = Exporta els canvis a Moodle (CSV)
export-certificates-csv = Exporta tots els certificats d'aquesta cerca (CSV)
audit-older = Entrades més antigues →
