# CSV exports of the audit log and the certificates.
export-operators-csv = Eksportuj działania operatorów (CSV)
export-changes-csv = Eksportuj zmiany w Moodle (CSV)
export-certificates-csv = Eksportuj wszystkie certyfikaty z tego wyszukiwania (CSV)
audit-older = Starsze wpisy →
