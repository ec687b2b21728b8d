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
dashboard-paused-sites = Siti in pausa

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
