# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Detalls (en anglès):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Cerca del curs
job-step-read-enrolments = Lectura de les matriculacions del curs
job-step-enrol = Matriculació
job-step-unenrol = Baixa de la matriculació
job-step-find-or-create-group = Cerca o creació del grup `{ $group }`
job-step-join-group = Inclusió de l'alumne en un grup del curs
job-step-look-up-learners = Cerca d'alumnes
job-step-look-up-learner = Cerca de l'alumne
job-step-create-accounts = Creació dels comptes dels alumnes
job-step-create-account = Creació del compte de l'alumne
job-step-update-email = Canvi del correu d'un alumne

## Errors and their fixes
job-error-site-not-configured = El lloc Moodle `{ $site }` no està configurat.
job-error-site-not-configured-fix = Afegeixi a la configuració un bloc [[moodle]] anomenat `{ $site }`.
job-error-course-missing = El curs `{ $course }` no existeix a Moodle `{ $site }`.
job-error-course-missing-fix = Corregeixi la correspondència o creï el curs a Moodle.
job-error-no-enrol-method = El curs `{ $course }` a Moodle `{ $site }` (id { $course_id }) no té activat el mètode «Matriculació manual».
job-error-no-enrol-method-fix = Al curs, obri Participants → Mètodes d'inscripció i activi «Matriculació manual»; després reintenti la tasca.
job-error-unknown-role = El rol `{ $role }` és desconegut.
job-error-unknown-role-fix = Utilitzi a la correspondència student, teacher, editingteacher, manager o l'id d'un rol.
job-error-account-conflict = { $count } comptes de Moodle a `{ $site }` comparteixen el correu { $email } (ids d'usuari { $user_ids }).
job-error-account-conflict-fix = Fusioni'ls, o canviï a Moodle l'adreça de tots menys un; després reintenti la tasca.
job-error-email-refused = Moodle `{ $site }` ha rebutjat el nou correu de l'usuari { $user_id }: { $reason }
job-error-email-refused-fix = Corregeixi el compte a Moodle i després reintenti la tasca.
job-error-email-hidden = Moodle `{ $site }` s'ha negat a crear el compte de { $email } tot i que no s'ha trobat cap compte amb aquest correu: { $reason }
job-error-email-hidden-fix = El més probable és que l'usuari del testimoni no tingui la capacitat moodle/site:viewuseridentity: aleshores Moodle li amaga tots els correus i el compte existent de l'alumne no es troba mai. Permeti-la al rol de l'usuari del testimoni (i mantingui email a «Mostra la identitat de l'usuari»); després reintenti la tasca.
job-error-new-user-not-returned = Moodle no ha retornat l'usuari nou.
job-error-new-user-not-returned-fix = Normalment res: la tasca es reintenta sola. Si ha quedat aturada després de massa intents, reintenti-la.
job-error-account-not-created = Moodle no ha creat el compte de l'alumne.
job-error-account-not-created-fix = Revisi el compte de l'alumne a Moodle i després reintenti la tasca.
job-error-email-not-updated = Moodle no ha actualitzat el correu de l'alumne.
job-error-email-not-updated-fix = Revisi el compte de l'alumne a Moodle i després reintenti la tasca.
job-error-learner-not-looked-up = El compte de Moodle de l'alumne no s'ha cercat en aquesta ronda.
job-error-learner-not-looked-up-fix = Normalment res: la tasca es reintenta sola. Si ha quedat aturada després de massa intents, reintenti-la.
job-error-not-sent = Aquest canvi no s'ha enviat a Moodle en aquesta ronda.
job-error-not-sent-fix = Normalment res: la tasca es reintenta sola. Si ha quedat aturada després de massa intents, reintenti-la.
job-error-store-failed = La nostra base de dades ha fallat: { $detail }
job-error-store-failed-fix = Comprovi que la base de dades és accessible i té espai lliure. La tasca es reintenta sola; si ha quedat aturada, reintenti-la.
job-error-moodle-unreachable = { $step } a Moodle `{ $site }` ha fallat: { $detail }
job-error-moodle-unreachable-fix = Si és passatger, res: la tasca es reintenta amb esperes cada vegada més llargues. Si persisteix, comprovi que el lloc funciona i és accessible des d'aquest servidor; després reintenti la tasca aturada.
job-error-moodle-refused = { $step } a Moodle `{ $site }` ha fallat: { $detail }
job-error-moodle-refused-fix = Moodle n'indica el motiu a l'error de dalt: corregeixi-ho a Moodle i després reintenti la tasca.
job-error-group-functions-missing = { $step } a Moodle `{ $site }` ha fallat: { $detail }
job-error-group-functions-missing-fix = Afegeixi les funcions dels grups del curs (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) al servei extern del testimoni i després reintenti la tasca.
job-error-moodle-misconfigured = { $step } a Moodle `{ $site }` ha fallat: { $detail }
job-error-moodle-misconfigured-fix = Comprovi l'URL del lloc al bloc [[moodle]] i que els serveis web i el protocol REST estan activats a Moodle; després reintenti la tasca.
job-error-moodle-bad-answer = { $step } a Moodle `{ $site }` ha fallat: { $detail }
job-error-moodle-bad-answer-fix = Comprovi que l'URL del lloc apunta a l'arrel de Moodle (no a una pàgina d'accés, un servidor intermediari o una pàgina de manteniment); després reintenti la tasca.
