# L’amministrazione web. Ogni pagina, etichetta e messaggio che vi si legge.

## Navigazione e cornice
nav-skip = Vai al contenuto
nav-label = Navigazione principale
nav-dashboard = Dashboard
nav-enrolments = Iscrizioni
nav-jobs = Job
nav-certificates = Attestati
nav-audit = Registro di audit
nav-users = Utenti
search-label = Cerca fatture, partecipanti e corsi
search-placeholder = Numero di fattura, email, nome o corso
search-submit = Cerca
sign-out = Esci
me-language = Lingua
me-language-save = Cambia lingua
role-admin = Amministratore
role-operator = Operatore
role-viewer = Visualizzatore

## Accesso
login-title = Accedi
login-email = Email
login-password = Password
login-submit = Accedi
login-error-credentials = Email o password non corretti.
login-error-csrf = Questo modulo era scaduto. Effettui di nuovo l’accesso.
login-error-throttled = Troppi tentativi non riusciti. Riprovi tra { $minutes ->
    [one] un minuto
   *[other] { $minutes } minuti
}.
login-no-users = Nessuno può ancora accedere. Sul server esegua: moodle-management user add --role admin sua@email

## Errori
error-internal-title = Si è verificato un errore
error-internal-message = Non è stato possibile generare la pagina; il motivo è indicato nel log del servizio.
error-forbidden-title = Non consentito
error-forbidden-message = Il Suo ruolo non lo consente. Si rivolga a un amministratore.
error-csrf-title = Questo modulo è scaduto
error-csrf-message = Torni indietro, ricarichi la pagina e riprovi.
error-not-found-title = Non trovato
error-not-found-message = Non c’è nulla a questo indirizzo.
error-bad-request-title = Impossibile eseguire questa richiesta
error-bad-request-message = Qualcosa manca o non è corretto:

## Colonne e filtri comuni delle tabelle
col-learner = Partecipante
col-site = Sito
col-course = Corso
col-status = Stato
col-actions = Azioni
col-number = Numero
col-issued = Rilasciato
col-standing = Validità
col-when = Quando
col-who = Chi
col-action = Azione
col-object = Oggetto
col-detail = Dettaglio
col-email = Email
col-role = Ruolo
col-desired = Previsto
col-in-moodle = In Moodle
col-cause = Causa
col-job = Job
filter-apply = Filtra

## Dashboard

## Iscrizioni
enrolments-count = { $count ->
    [one] un’iscrizione
   *[other] { $count } iscrizioni
}
enrolments-holds = Righe di fattura trattenute o ignorate

## Job
jobs-title = Job
jobs-queued = In coda
jobs-running = In esecuzione
jobs-dead = Bloccati
jobs-mail-queued = Email in coda
jobs-mail-dead = Email bloccate
jobs-paused-site = Il sito { $site } è in pausa
jobs-paused-waiting = { $count ->
    [one] Un job è in attesa.
   *[other] { $count } job sono in attesa.
}
jobs-fix = Come risolvere:
jobs-failing = Job con errori
jobs-none-failing = Nessun job con errori.
jobs-error-and-fix = Errore e soluzione
jobs-status-dead = Bloccato
jobs-status-retrying = Nuovo tentativo
jobs-retry = Riprova
jobs-discard = Scarta
jobs-retry-all = Riprova tutti i job bloccati…
jobs-discard-all = Scarta tutti i job bloccati…
jobs-confirm-retry = { $count ->
    [one] Riprovare un job bloccato?
   *[other] Riprovare { $count } job bloccati?
}
jobs-confirm-discard = { $count ->
    [one] Scartare un job bloccato?
   *[other] Scartare { $count } job bloccati?
}
jobs-confirm = Sì, procedi
jobs-cancel = Annulla
jobs-done = { $count ->
    [one] Un job completato.
   *[other] { $count } job completati.
}

## Attestati
certificates-title = Attestati
certificates-none = Ancora nessun attestato.
certificates-download = Scarica
certificates-verify = Pagina di verifica
certificates-resend = Invia di nuovo
certificates-reissue = Rilascia di nuovo
certificates-revoke = Revoca
certificates-revoke-note = Motivo della revoca
certificates-done-revoke = L’attestato è stato revocato; il partecipante viene informato via email.
certificates-done-resend = L’email dell’attestato è di nuovo in coda.
certificates-done-reissue = È stata rilasciata una nuova versione, che sostituisce la precedente.
standing-valid = Valido
standing-revoked = Revocato
standing-superseded = Sostituito
standing-expired = Scaduto

## Registro di audit
audit-title = Registro di audit
audit-search = Cerca
audit-operators = Cosa hanno fatto le persone
audit-moodle = Cosa abbiamo modificato in Moodle
audit-none = Ancora niente.

## Utenti
users-title = Utenti
users-disabled = Disattivato
users-enabled = Attivo
users-disable = Disattiva
users-enable = Attiva
users-save-role = Salva ruolo
users-add = Aggiungi un utente
users-add-submit = Aggiungi utente
users-password = Password (almeno 12 caratteri)
users-error-invalid-email = Questo non è un indirizzo email.
users-error-email-taken = Esiste già un utente con questa email.
users-error-weak-password = La password è troppo corta: usi almeno 12 caratteri.
users-error-no-such-user = Questo utente non esiste.
users-error-last-admin = Questo è l’ultimo amministratore attivo: prima renda amministratore un altro utente.
users-error-internal = Si è verificato un errore; il motivo è indicato nel log del servizio.

## Ricerca e storia di una fattura
search-title = Ricerca
search-empty-query = Digiti un numero di fattura, l’email o il nome di un partecipante, oppure un corso.
search-none = Nessun risultato per “{ $query }”.
col-invoice = Fattura
invoice-title = Fattura { $number }
invoice-paid = Pagata
invoice-unpaid = Non pagata
invoice-deleted = Eliminata nel sistema di fatturazione
invoice-problems = Cosa non va adesso
invoice-timeline = Cosa è successo
invoice-no-courses = Questa fattura non dà accesso ad alcun corso.
invoice-job = job { $job }
story-seen = Fattura rilevata
story-paid = Pagata
story-learner-matched = Partecipante associato al suo account Moodle
story-learner-created = Account Moodle del partecipante creato
story-enrolled = Iscritto
story-suspended = Accesso sospeso
story-reactivated = Accesso riattivato
story-updated = Date dell’iscrizione aggiornate
story-unenrolled = Disiscritto
story-changed = Modificata in Moodle
story-change-failed = Moodle ha rifiutato una modifica
story-progress = Avanzamento
story-completed = Corso completato
story-certificate-issued = Attestato rilasciato
story-certificate-revoked = Attestato revocato
story-emailed = Attestato inviato per email

## Piano, scostamenti e siti
nav-plan = Piano
nav-drift = Scostamenti
nav-sites = Siti Moodle
plan-intro = Cosa cambierebbe in Moodle il prossimo passaggio, e perché. Niente di questo è stato ancora fatto.
plan-nothing = Moodle corrisponde alle fatture: il prossimo passaggio non cambia nulla.
plan-change-enrol = Iscrivi
plan-change-update = Aggiorna le date
plan-change-suspend = Sospendi
plan-change-reactivate = Riattiva
plan-change-unenrol = Disiscrivi
drift-intro = Legge ora in Moodle ogni corso associato: le iscrizioni modificate a mano vengono messe in coda per essere corrette e le iscrizioni che nessuna fattura paga vengono elencate.
drift-run = Controlla Moodle ora
drift-read = { $courses ->
    [one] Un corso letto
   *[other] { $courses } corsi letti
}
drift-repaired = Modificate in Moodle, in correzione
drift-unexpected = In Moodle, ma nessuna fattura la paga
drift-errors = Corsi che non è stato possibile leggere
sites-url = Indirizzo
sites-origin = Dove è impostato
sites-declared-in-config = Dichiarato in config.toml (qui in sola lettura)
sites-test = Prova la connessione

## Consegne dei webhook
nav-deliveries = Webhook
deliveries-none = Nessuna consegna di webhook ricevuta finora.
deliveries-source = Origine
deliveries-id = Consegna
deliveries-body = Contenuto
deliveries-show-body = Mostra
deliveries-applied = Applicata
deliveries-waiting = In attesa
deliveries-reapply = Applica di nuovo

## Prodotti e posti
nav-mappings = Prodotti
nav-seats = Posti
mappings-intro = Quale corso dà ogni prodotto venduto. Sono dichiarati in config.toml: li modifichi lì e riavvii il servizio.
mappings-none = Nessun prodotto è associato a un corso: le fatture pagate non danno accesso a nulla finché non lo è almeno uno.
mappings-product = Prodotto
mappings-duration = Accesso
mappings-group = Gruppo
mappings-days = { $days ->
    [one] un giorno
   *[other] { $days } giorni
}
mappings-no-end = Senza scadenza
seats-assign = Assegna un posto
seats-line = Riga
seats-name = Nome del partecipante
seats-assign-submit = Assegna
seats-release = Libera
seats-none = Nessun posto assegnato.

## Dashboard
dashboard-all-sites = Tutti i siti
dashboard-from = Dal
dashboard-to = Al
dashboard-card-revenue = Ricavi dei corsi
dashboard-card-learners = Partecipanti attivi
dashboard-card-pending = Iscrizioni in sospeso
dashboard-card-completions = Completamenti
dashboard-card-certificates = Attestati rilasciati
dashboard-card-jobs-failing = Job con errori
dashboard-card-mails-failing = Email con errori
dashboard-sources = Origini delle fatture
dashboard-last-progress = Ultima lettura dell’avanzamento
dashboard-last-poll = Ultima interrogazione riuscita
dashboard-backlog = Job in attesa
dashboard-paused = In pausa
dashboard-reachable = Funzionante
dashboard-chart-empty = Nulla in questo periodo.
dashboard-chart-enrolments = Iscrizioni per mese
dashboard-chart-status = Iscrizioni per stato
dashboard-chart-progress = Partecipanti per avanzamento
dashboard-chart-completions = Completamenti per mese
dashboard-chart-certificates = Attestati per mese
dashboard-chart-top-revenue = Corsi principali per ricavi
dashboard-chart-top-learners = Corsi principali per partecipanti
dashboard-status-active = Attiva
dashboard-status-suspended = Sospesa
dashboard-status-revoked = Revocata
dashboard-status-removed = Rimossa
dashboard-status-none = Nessuna

## Elenco delle iscrizioni
filter-any = Qualsiasi
enrolments-export = Esporta tutto in CSV
enrolments-job-pending = In attesa
enrolments-job-failing = Con errori
enrolments-job-dead = Bloccato
enrolments-job-settled = Completato
pagination-label = Pagine
pagination-previous = Precedente
pagination-next = Successiva
pagination-page = Pagina { $page }
