# CSV exports of the audit log and the certificates.
export-operators-csv = Export what operators did (CSV)
export-changes-csv = Export the Moodle changes (CSV)
export-certificates-csv = Export every certificate of this search (CSV)
audit-older = Older entries →
