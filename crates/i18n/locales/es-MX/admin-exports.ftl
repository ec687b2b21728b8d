# CSV exports of the audit log and the certificates.
export-operators-csv = Exportar lo que hicieron los operadores (CSV)
export-changes-csv = Exportar los cambios en Moodle (CSV)
export-certificates-csv = Exportar todos los certificados de esta búsqueda (CSV)
audit-older = Entradas más antiguas →
