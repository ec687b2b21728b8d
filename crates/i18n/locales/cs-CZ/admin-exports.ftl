# CSV exports of the audit log and the certificates.
export-operators-csv = Exportovat činnost operátorů (CSV)
export-changes-csv = Exportovat změny v Moodlu (CSV)
export-certificates-csv = Exportovat všechna osvědčení tohoto hledání (CSV)
audit-older = Starší záznamy →
