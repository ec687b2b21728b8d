# The learners pages of the web admin: the list and one learner's page.

nav-learners = Teilnehmer
learners-search-label = E-Mail oder Name
learners-search = Suchen
learners-count = { $count ->
    [one] ein Teilnehmer
   *[other] { $count } Teilnehmer
}
learners-none = Kein Teilnehmer passt.
learners-col-name = Name
learners-col-courses = Kurse
learners-col-active = Aktiv
learners-col-updated = Letzte Änderung
learner-title = Teilnehmer { $email }
learner-accounts = Moodle-Konten
learner-no-accounts = Noch kein Moodle-Konto.
learner-moodle-id = Moodle-Nutzer-ID
learner-account-how = Wie
learner-account-created = Von uns angelegt
learner-account-matched = Vorhandenes Konto zugeordnet
learner-since = Seit
learner-enrolments = Kurse
learner-no-enrolments = Kein Kurs.
learner-access = Zugang
learner-progress = Fortschritt
learner-percent = { $percent } %
learner-completed = abgeschlossen am { $date }
learner-grade = Bewertung { $grade }
learner-certificates = Zertifikate
learner-no-certificates = Kein Zertifikat.
learner-certificate-revoked = Widerrufen
learner-invoices = Rechnungen
learner-no-invoices = Keine Rechnung.
learner-history = Änderungen in Moodle
learner-no-history = In Moodle wurde noch nichts geändert.
