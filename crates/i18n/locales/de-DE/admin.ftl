# Die Web-Administration. Jede Seite, Beschriftung und Meldung, die man dort liest.

## Navigation und Rahmen
nav-skip = Zum Inhalt springen
nav-label = Hauptnavigation
nav-dashboard = Übersicht
nav-enrolments = Einschreibungen
nav-jobs = Aufträge
nav-certificates = Zertifikate
nav-audit = Audit-Protokoll
nav-users = Benutzer
search-label = Rechnungen, Teilnehmer und Kurse durchsuchen
search-placeholder = Rechnungsnummer, E-Mail, Name oder Kurs
search-submit = Suchen
sign-out = Abmelden
me-language = Sprache
me-language-save = Sprache ändern
role-admin = Administrator
role-operator = Operator
role-viewer = Betrachter

## Anmeldung
login-title = Anmelden
login-email = E-Mail
login-password = Passwort
login-submit = Anmelden
login-error-credentials = E-Mail oder Passwort ist falsch.
login-error-csrf = Dieses Formular war abgelaufen. Bitte melden Sie sich erneut an.
login-error-throttled = Zu viele fehlgeschlagene Versuche. Versuchen Sie es in { $minutes ->
    [one] einer Minute
   *[other] { $minutes } Minuten
} erneut.
login-no-users = Noch kann sich niemand anmelden. Führen Sie auf dem Server aus: moodle-management user add --role admin ihre@email.de

## Fehler
error-internal-title = Etwas ist schiefgelaufen
error-internal-message = Die Seite konnte nicht erstellt werden; den Grund nennt das Dienstprotokoll.
error-forbidden-title = Nicht erlaubt
error-forbidden-message = Ihre Rolle erlaubt das nicht. Wenden Sie sich an einen Administrator.
error-csrf-title = Dieses Formular ist abgelaufen
error-csrf-message = Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.
error-not-found-title = Nicht gefunden
error-not-found-message = Unter dieser Adresse gibt es nichts.
error-bad-request-title = Diese Anfrage kann nicht ausgeführt werden
error-bad-request-message = Darin fehlt etwas oder ist falsch:

## Gemeinsame Tabellenspalten und Filter
col-learner = Teilnehmer
col-site = Website
col-course = Kurs
col-status = Status
col-actions = Aktionen
col-number = Nummer
col-issued = Ausgestellt
col-standing = Gültigkeit
col-when = Wann
col-who = Wer
col-action = Aktion
col-object = Objekt
col-detail = Details
col-email = E-Mail
col-role = Rolle
col-desired = Soll
col-in-moodle = In Moodle
col-cause = Ursache
col-job = Auftrag
filter-apply = Filtern

## Übersicht

## Einschreibungen
enrolments-count = { $count ->
    [one] eine Einschreibung
   *[other] { $count } Einschreibungen
}
enrolments-holds = Zurückgehaltene oder ignorierte Rechnungspositionen

## Aufträge
jobs-title = Aufträge
jobs-queued = In der Warteschlange
jobs-running = Laufend
jobs-dead = Zurückgestellt
jobs-mail-queued = E-Mails in der Warteschlange
jobs-mail-dead = Zurückgestellte E-Mails
jobs-paused-site = Website { $site } ist pausiert
jobs-paused-waiting = { $count ->
    [one] Ein Auftrag wartet darauf.
   *[other] { $count } Aufträge warten darauf.
}
jobs-fix = Behebung:
jobs-failing = Fehlschlagende Aufträge
jobs-none-failing = Kein Auftrag schlägt fehl.
jobs-error-and-fix = Fehler und Behebung
jobs-status-dead = Zurückgestellt
jobs-status-retrying = Wird wiederholt
jobs-retry = Wiederholen
jobs-discard = Verwerfen
jobs-retry-all = Alle zurückgestellten Aufträge wiederholen…
jobs-discard-all = Alle zurückgestellten Aufträge verwerfen…
jobs-confirm-retry = { $count ->
    [one] Einen zurückgestellten Auftrag wiederholen?
   *[other] { $count } zurückgestellte Aufträge wiederholen?
}
jobs-confirm-discard = { $count ->
    [one] Einen zurückgestellten Auftrag verwerfen?
   *[other] { $count } zurückgestellte Aufträge verwerfen?
}
jobs-confirm = Ja, ausführen
jobs-cancel = Abbrechen
jobs-done = { $count ->
    [one] Ein Auftrag erledigt.
   *[other] { $count } Aufträge erledigt.
}

## Zertifikate
certificates-title = Zertifikate
certificates-none = Noch kein Zertifikat.
certificates-download = Herunterladen
certificates-verify = Prüfseite
certificates-resend = Erneut senden
certificates-reissue = Neu ausstellen
certificates-revoke = Widerrufen
certificates-revoke-note = Grund für den Widerruf
certificates-done-revoke = Das Zertifikat wurde widerrufen; der Teilnehmer wird per E-Mail informiert.
certificates-done-resend = Die E-Mail zum Zertifikat steht wieder in der Warteschlange.
certificates-done-reissue = Eine neue Version wurde ausgestellt; sie ersetzt die vorherige.
standing-valid = Gültig
standing-revoked = Widerrufen
standing-superseded = Ersetzt
standing-expired = Abgelaufen

## Audit-Protokoll
audit-title = Audit-Protokoll
audit-search = Suchen
audit-operators = Was Personen getan haben
audit-moodle = Was wir in Moodle geändert haben
audit-none = Noch nichts.

## Benutzer
users-title = Benutzer
users-disabled = Deaktiviert
users-enabled = Aktiv
users-disable = Deaktivieren
users-enable = Aktivieren
users-save-role = Rolle speichern
users-add = Benutzer hinzufügen
users-add-submit = Benutzer hinzufügen
users-password = Passwort (mindestens 12 Zeichen)
users-error-invalid-email = Das ist keine E-Mail-Adresse.
users-error-email-taken = Ein Benutzer mit dieser E-Mail-Adresse existiert bereits.
users-error-weak-password = Das Passwort ist zu kurz: Verwenden Sie mindestens 12 Zeichen.
users-error-no-such-user = Diesen Benutzer gibt es nicht.
users-error-last-admin = Dies ist der letzte aktive Administrator: Machen Sie zuerst einen anderen Benutzer zum Administrator.
users-error-internal = Etwas ist schiefgelaufen; den Grund nennt das Dienstprotokoll.

## Suche und Verlauf einer Rechnung
search-title = Suche
search-empty-query = Geben Sie eine Rechnungsnummer, die E-Mail-Adresse oder den Namen eines Teilnehmers oder einen Kurs ein.
search-none = Keine Treffer für „{ $query }“.
col-invoice = Rechnung
invoice-title = Rechnung { $number }
invoice-paid = Bezahlt
invoice-unpaid = Nicht bezahlt
invoice-deleted = Im Abrechnungssystem gelöscht
invoice-problems = Was gerade nicht stimmt
invoice-timeline = Was passiert ist
invoice-no-courses = Diese Rechnung gewährt keinen Kurs.
invoice-job = Auftrag { $job }
story-seen = Rechnung erfasst
story-paid = Bezahlt
story-learner-matched = Teilnehmer seinem Moodle-Konto zugeordnet
story-learner-created = Moodle-Konto des Teilnehmers angelegt
story-enrolled = Eingeschrieben
story-suspended = Zugang gesperrt
story-reactivated = Zugang reaktiviert
story-updated = Daten der Einschreibung aktualisiert
story-unenrolled = Ausgeschrieben
story-changed = In Moodle geändert
story-change-failed = Moodle hat eine Änderung abgelehnt
story-progress = Fortschritt
story-completed = Kurs abgeschlossen
story-certificate-issued = Zertifikat ausgestellt
story-certificate-revoked = Zertifikat widerrufen
story-emailed = Zertifikat per E-Mail versandt

## Plan, Abweichungen und Websites
nav-plan = Plan
nav-drift = Abweichungen
nav-sites = Moodle-Websites
plan-intro = Was der nächste Durchlauf in Moodle ändern würde, und warum. Nichts davon ist bereits geschehen.
plan-nothing = Moodle stimmt mit den Rechnungen überein: Der nächste Durchlauf ändert nichts.
plan-change-enrol = Einschreiben
plan-change-update = Daten aktualisieren
plan-change-suspend = Sperren
plan-change-reactivate = Reaktivieren
plan-change-unenrol = Ausschreiben
drift-intro = Liest jetzt jeden zugeordneten Kurs in Moodle: Von Hand geänderte Einschreibungen werden zur Korrektur eingereiht, und Einschreibungen, die keine Rechnung bezahlt, werden aufgelistet.
drift-run = Moodle jetzt prüfen
drift-read = { $courses ->
    [one] Ein Kurs gelesen
   *[other] { $courses } Kurse gelesen
}
drift-repaired = In Moodle geändert, wird korrigiert
drift-unexpected = In Moodle, aber von keiner Rechnung bezahlt
drift-errors = Kurse, die nicht gelesen werden konnten
sites-url = Adresse
sites-origin = Wo festgelegt
sites-declared-in-config = In config.toml festgelegt (hier schreibgeschützt)
sites-test = Verbindung testen

## Webhook-Zustellungen
nav-deliveries = Webhooks
deliveries-none = Noch keine Webhook-Zustellung empfangen.
deliveries-source = Quelle
deliveries-id = Zustellung
deliveries-body = Inhalt
deliveries-show-body = Anzeigen
deliveries-applied = Angewendet
deliveries-waiting = Wartend
deliveries-reapply = Erneut anwenden

## Produkte und Plätze
nav-mappings = Produkte
nav-seats = Plätze
mappings-intro = Welchen Kurs jedes verkaufte Produkt gewährt. In config.toml festgelegt: Ändern Sie sie dort und starten Sie den Dienst neu.
mappings-none = Kein Produkt ist einem Kurs zugeordnet: Bezahlte Rechnungen gewähren nichts, bis eines zugeordnet ist.
mappings-product = Produkt
mappings-duration = Zugang
mappings-group = Gruppe
mappings-days = { $days ->
    [one] ein Tag
   *[other] { $days } Tage
}
mappings-no-end = Unbegrenzt
seats-assign = Platz zuweisen
seats-line = Position
seats-name = Name des Teilnehmers
seats-assign-submit = Zuweisen
seats-release = Freigeben
seats-none = Kein Platz ist zugewiesen.

## Übersicht
dashboard-all-sites = Alle Websites
dashboard-from = Von
dashboard-to = Bis
dashboard-card-revenue = Kursumsatz
dashboard-card-learners = Aktive Teilnehmer
dashboard-card-pending = Ausstehende Einschreibungen
dashboard-card-completions = Abschlüsse
dashboard-card-certificates = Ausgestellte Zertifikate
dashboard-card-jobs-failing = Fehlschlagende Aufträge
dashboard-card-mails-failing = Fehlschlagende E-Mails
dashboard-sources = Rechnungsquellen
dashboard-last-progress = Fortschritt zuletzt gelesen
dashboard-last-poll = Letzte erfolgreiche Abfrage
dashboard-backlog = Wartende Aufträge
dashboard-paused = Pausiert
dashboard-reachable = Funktioniert
dashboard-chart-empty = Nichts in diesem Zeitraum.
dashboard-chart-enrolments = Einschreibungen pro Monat
dashboard-chart-status = Einschreibungen nach Status
dashboard-chart-progress = Teilnehmer nach Fortschritt
dashboard-chart-completions = Abschlüsse pro Monat
dashboard-chart-certificates = Zertifikate pro Monat
dashboard-chart-top-revenue = Top-Kurse nach Umsatz
dashboard-chart-top-learners = Top-Kurse nach Teilnehmern
dashboard-status-active = Aktiv
dashboard-status-suspended = Gesperrt
dashboard-status-revoked = Widerrufen
dashboard-status-removed = Entfernt
dashboard-status-none = Keine

## Liste der Einschreibungen
filter-any = Alle
enrolments-export = Alles als CSV exportieren
enrolments-job-pending = Wartend
enrolments-job-failing = Fehlschlagend
enrolments-job-dead = Zurückgestellt
enrolments-job-settled = Erledigt
pagination-label = Seiten
pagination-previous = Zurück
pagination-next = Weiter
pagination-page = Seite { $page }
