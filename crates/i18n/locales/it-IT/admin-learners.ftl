# The learners pages of the web admin: the list and one learner's page.

nav-learners = Partecipanti
learners-search-label = Email o nome
learners-search = Cerca
learners-count = { $count ->
    [one] un partecipante
   *[other] { $count } partecipanti
}
learners-none = Nessun partecipante corrisponde.
learners-col-name = Nome
learners-col-courses = Corsi
learners-col-active = Attivi
learners-col-updated = Ultima modifica
learner-title = Partecipante { $email }
learner-accounts = Account Moodle
learner-no-accounts = Ancora nessun account Moodle.
learner-moodle-id = Id utente Moodle
learner-account-how = Come
learner-account-created = Creato da noi
learner-account-matched = Account esistente associato
learner-since = Dal
learner-enrolments = Corsi
learner-no-enrolments = Nessun corso.
learner-access = Accesso
learner-progress = Avanzamento
learner-percent = { $percent } %
learner-completed = completato il { $date }
learner-grade = voto { $grade }
learner-certificates = Certificati
learner-no-certificates = Nessun certificato.
learner-certificate-revoked = Revocato
learner-invoices = Fatture
learner-no-invoices = Nessuna fattura.
learner-history = Modifiche in Moodle
learner-no-history = Ancora nessuna modifica in Moodle.
