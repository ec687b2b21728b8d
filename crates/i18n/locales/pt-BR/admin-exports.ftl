# CSV exports of the audit log and the certificates.
export-operators-csv = Exportar o que os operadores fizeram (CSV)
export-changes-csv = Exportar as alterações no Moodle (CSV)
export-certificates-csv = Exportar todos os certificados desta pesquisa (CSV)
audit-older = Entradas mais antigas →
