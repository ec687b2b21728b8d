# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Dettagli (in inglese):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Ricerca del corso
job-step-read-enrolments = Lettura delle iscrizioni del corso
job-step-enrol = Iscrizione
job-step-unenrol = Disiscrizione
job-step-find-or-create-group = Ricerca o creazione del gruppo `{ $group }`
job-step-join-group = Aggiunta del partecipante a un gruppo del corso
job-step-look-up-learners = Ricerca dei partecipanti
job-step-look-up-learner = Ricerca del partecipante
job-step-create-accounts = Creazione degli account dei partecipanti
job-step-create-account = Creazione dell'account del partecipante
job-step-update-email = Modifica dell'email di un partecipante

## Errors and their fixes
job-error-site-not-configured = Il sito Moodle `{ $site }` non è configurato.
job-error-site-not-configured-fix = Aggiungi alla configurazione un blocco [[moodle]] di nome `{ $site }`.
job-error-course-missing = Il corso `{ $course }` non esiste su Moodle `{ $site }`.
job-error-course-missing-fix = Correggi l'associazione o crea il corso in Moodle.
job-error-no-enrol-method = Il corso `{ $course }` su Moodle `{ $site }` (id { $course_id }) non ha il metodo "Iscrizione manuale" attivo.
job-error-no-enrol-method-fix = Nel corso apri Partecipanti → Metodi di iscrizione e attiva "Iscrizione manuale", poi riprova il job.
job-error-unknown-role = Il ruolo `{ $role }` è sconosciuto.
job-error-unknown-role-fix = Nell'associazione usa student, teacher, editingteacher, manager o l'id di un ruolo.
job-error-account-conflict = { $count } account Moodle su `{ $site }` condividono l'email { $email } (id utente { $user_ids }).
job-error-account-conflict-fix = Uniscili, oppure cambia in Moodle l'indirizzo di tutti tranne uno, poi riprova il job.
job-error-email-refused = Moodle `{ $site }` ha rifiutato la nuova email dell'utente { $user_id }: { $reason }
job-error-email-refused-fix = Correggi l'account in Moodle, poi riprova il job.
job-error-email-hidden = Moodle `{ $site }` ha rifiutato di creare l'account di { $email } sebbene non sia stato trovato alcun account con quell'email: { $reason }
job-error-email-hidden-fix = Molto probabilmente l'utente del token non ha la capability moodle/site:viewuseridentity: Moodle gli nasconde allora tutte le email e l'account esistente del partecipante non viene mai trovato. Consentila nel ruolo dell'utente del token (e mantieni email in "Mostra identità utente"), poi riprova il job.
job-error-new-user-not-returned = Moodle non ha restituito il nuovo utente.
job-error-new-user-not-returned-fix = Di solito nulla: il job viene riprovato da solo. Se è stato bloccato dopo troppi tentativi, riprovalo.
job-error-account-not-created = Moodle non ha creato l'account del partecipante.
job-error-account-not-created-fix = Controlla l'account del partecipante in Moodle, poi riprova il job.
job-error-email-not-updated = Moodle non ha aggiornato l'email del partecipante.
job-error-email-not-updated-fix = Controlla l'account del partecipante in Moodle, poi riprova il job.
job-error-learner-not-looked-up = L'account Moodle del partecipante non è stato cercato in questo giro.
job-error-learner-not-looked-up-fix = Di solito nulla: il job viene riprovato da solo. Se è stato bloccato dopo troppi tentativi, riprovalo.
job-error-not-sent = Questa modifica non è stata inviata a Moodle in questo giro.
job-error-not-sent-fix = Di solito nulla: il job viene riprovato da solo. Se è stato bloccato dopo troppi tentativi, riprovalo.
job-error-store-failed = Il nostro database ha avuto un errore: { $detail }
job-error-store-failed-fix = Controlla che il database sia raggiungibile e abbia spazio libero. Il job viene riprovato da solo; se è stato bloccato, riprovalo.
job-error-moodle-unreachable = { $step } su Moodle `{ $site }` non riuscita: { $detail }
job-error-moodle-unreachable-fix = Se passa, nulla: il job viene riprovato a intervalli crescenti. Se persiste, controlla che il sito sia attivo e raggiungibile da questo server; poi riprova il job bloccato.
job-error-moodle-refused = { $step } su Moodle `{ $site }` non riuscita: { $detail }
job-error-moodle-refused-fix = Moodle indica il motivo nell'errore qui sopra: correggilo in Moodle, poi riprova il job.
job-error-group-functions-missing = { $step } su Moodle `{ $site }` non riuscita: { $detail }
job-error-group-functions-missing-fix = Aggiungi le funzioni dei gruppi di corso (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) al servizio esterno del token, poi riprova il job.
job-error-moodle-misconfigured = { $step } su Moodle `{ $site }` non riuscita: { $detail }
job-error-moodle-misconfigured-fix = Controlla l'URL del sito nel blocco [[moodle]] e che in Moodle siano attivi i servizi web e il protocollo REST, poi riprova il job.
job-error-moodle-bad-answer = { $step } su Moodle `{ $site }` non riuscita: { $detail }
job-error-moodle-bad-answer-fix = Controlla che l'URL del sito punti alla radice di Moodle (non a una pagina di accesso, un proxy o una pagina di manutenzione), poi riprova il job.
