# CSV exports of the audit log and the certificates.
export-operators-csv = Esportatu operadoreek egindakoa (CSV)
export-changes-csv = Esportatu Moodleko aldaketak (CSV)
export-certificates-csv = Esportatu bilaketa honetako ziurtagiri guztiak (CSV)
audit-older = Sarrera zaharragoak →
