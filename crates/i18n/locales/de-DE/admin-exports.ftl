# CSV exports of the audit log and the certificates.
export-operators-csv = Aktionen der Bediener exportieren (CSV)
export-changes-csv = Änderungen in Moodle exportieren (CSV)
export-certificates-csv = Alle Zertifikate dieser Suche exportieren (CSV)
audit-older = Ältere Einträge →
