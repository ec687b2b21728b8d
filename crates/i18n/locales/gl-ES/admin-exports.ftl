# CSV exports of the audit log and the certificates.
export-operators-csv = Exportar o que fixeron os operadores (CSV)
export-changes-csv = Exportar os cambios en Moodle (CSV)
export-certificates-csv = Exportar todos os certificados desta busca (CSV)
audit-older = Entradas máis antigas →
