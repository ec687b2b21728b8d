# CSV exports of the audit log and the certificates.
export-operators-csv = Esporta le azioni degli operatori (CSV)
export-changes-csv = Esporta le modifiche in Moodle (CSV)
export-certificates-csv = Esporta tutti gli attestati di questa ricerca (CSV)
audit-older = Voci meno recenti →
