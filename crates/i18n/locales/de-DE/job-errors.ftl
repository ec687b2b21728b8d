# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Details (auf Englisch):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Nachschlagen des Kurses
job-step-read-enrolments = Lesen der Einschreibungen des Kurses
job-step-enrol = Einschreibung
job-step-unenrol = Ausschreibung
job-step-find-or-create-group = Suchen oder Anlegen der Gruppe `{ $group }`
job-step-join-group = Aufnehmen des Teilnehmers in eine Kursgruppe
job-step-look-up-learners = Nachschlagen von Teilnehmern
job-step-look-up-learner = Nachschlagen des Teilnehmers
job-step-create-accounts = Anlegen von Teilnehmerkonten
job-step-create-account = Anlegen des Teilnehmerkontos
job-step-update-email = Ändern der E-Mail-Adresse eines Teilnehmers

## Errors and their fixes
job-error-site-not-configured = Die Moodle-Site `{ $site }` ist nicht konfiguriert.
job-error-site-not-configured-fix = Fügen Sie der Konfiguration einen [[moodle]]-Block mit dem Namen `{ $site }` hinzu.
job-error-course-missing = Der Kurs `{ $course }` existiert auf Moodle `{ $site }` nicht.
job-error-course-missing-fix = Korrigieren Sie die Zuordnung oder legen Sie den Kurs in Moodle an.
job-error-no-enrol-method = Der Kurs `{ $course }` auf Moodle `{ $site }` (ID { $course_id }) hat keine aktivierte Einschreibemethode „Manuelle Einschreibung“.
job-error-no-enrol-method-fix = Öffnen Sie im Kurs Teilnehmer/innen → Einschreibemethoden und aktivieren Sie „Manuelle Einschreibung“; wiederholen Sie dann den Auftrag.
job-error-unknown-role = Die Rolle `{ $role }` ist unbekannt.
job-error-unknown-role-fix = Verwenden Sie in der Zuordnung student, teacher, editingteacher, manager oder eine Rollen-ID.
job-error-account-conflict = { $count } Moodle-Konten auf `{ $site }` haben dieselbe E-Mail-Adresse { $email } (Nutzer-IDs { $user_ids }).
job-error-account-conflict-fix = Führen Sie sie zusammen oder ändern Sie in Moodle die Adresse aller Konten bis auf eines; wiederholen Sie dann den Auftrag.
job-error-email-refused = Moodle `{ $site }` hat die neue E-Mail-Adresse von Nutzer { $user_id } abgelehnt: { $reason }
job-error-email-refused-fix = Korrigieren Sie das Konto in Moodle und wiederholen Sie dann den Auftrag.
job-error-email-hidden = Moodle `{ $site }` hat das Anlegen des Kontos von { $email } abgelehnt, obwohl kein Konto mit dieser E-Mail-Adresse gefunden wurde: { $reason }
job-error-email-hidden-fix = Vermutlich fehlt dem Token-Nutzer die Berechtigung moodle/site:viewuseridentity: Dann verbirgt Moodle ihm alle E-Mail-Adressen, und das vorhandene Konto des Teilnehmers wird nie gefunden. Erlauben Sie sie in der Rolle des Token-Nutzers (und lassen Sie email in „Identität anzeigen“), wiederholen Sie dann den Auftrag.
job-error-new-user-not-returned = Moodle hat den neuen Nutzer nicht zurückgegeben.
job-error-new-user-not-returned-fix = Meist nichts: Der Auftrag wird von selbst wiederholt. Wurde er nach zu vielen Versuchen zurückgestellt, wiederholen Sie ihn.
job-error-account-not-created = Moodle hat das Konto des Teilnehmers nicht angelegt.
job-error-account-not-created-fix = Prüfen Sie das Konto des Teilnehmers in Moodle und wiederholen Sie dann den Auftrag.
job-error-email-not-updated = Moodle hat die E-Mail-Adresse des Teilnehmers nicht geändert.
job-error-email-not-updated-fix = Prüfen Sie das Konto des Teilnehmers in Moodle und wiederholen Sie dann den Auftrag.
job-error-learner-not-looked-up = Das Moodle-Konto des Teilnehmers wurde in dieser Runde nicht nachgeschlagen.
job-error-learner-not-looked-up-fix = Meist nichts: Der Auftrag wird von selbst wiederholt. Wurde er nach zu vielen Versuchen zurückgestellt, wiederholen Sie ihn.
job-error-not-sent = Diese Änderung wurde in dieser Runde nicht an Moodle gesendet.
job-error-not-sent-fix = Meist nichts: Der Auftrag wird von selbst wiederholt. Wurde er nach zu vielen Versuchen zurückgestellt, wiederholen Sie ihn.
job-error-store-failed = Unsere Datenbank ist fehlgeschlagen: { $detail }
job-error-store-failed-fix = Prüfen Sie, ob die Datenbank erreichbar ist und freien Speicher hat. Der Auftrag wird von selbst wiederholt; wurde er zurückgestellt, wiederholen Sie ihn.
job-error-moodle-unreachable = { $step } auf Moodle `{ $site }` ist fehlgeschlagen: { $detail }
job-error-moodle-unreachable-fix = Geht es vorüber, nichts: Der Auftrag wird mit wachsendem Abstand wiederholt. Hält es an, prüfen Sie, ob die Site läuft und von diesem Server aus erreichbar ist; wiederholen Sie danach den zurückgestellten Auftrag.
job-error-moodle-refused = { $step } auf Moodle `{ $site }` ist fehlgeschlagen: { $detail }
job-error-moodle-refused-fix = Moodle nennt den Grund im Fehler oben: Beheben Sie ihn in Moodle und wiederholen Sie dann den Auftrag.
job-error-group-functions-missing = { $step } auf Moodle `{ $site }` ist fehlgeschlagen: { $detail }
job-error-group-functions-missing-fix = Fügen Sie dem externen Dienst des Tokens die Funktionen für Kursgruppen hinzu (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) und wiederholen Sie dann den Auftrag.
job-error-moodle-misconfigured = { $step } auf Moodle `{ $site }` ist fehlgeschlagen: { $detail }
job-error-moodle-misconfigured-fix = Prüfen Sie die URL der Site im [[moodle]]-Block und ob Webservices und das REST-Protokoll in Moodle aktiviert sind; wiederholen Sie dann den Auftrag.
job-error-moodle-bad-answer = { $step } auf Moodle `{ $site }` ist fehlgeschlagen: { $detail }
job-error-moodle-bad-answer-fix = Prüfen Sie, ob die URL der Site auf das Moodle-Stammverzeichnis zeigt (nicht auf eine Anmelde-, Proxy- oder Wartungsseite), und wiederholen Sie dann den Auftrag.
