# MoodleManagement-Texte auf Deutsch (Deutschland). Die Schlüssel sind die von locales/en-GB/main.ftl.

## Datumsangaben (format_date): „7. Dezember 2026“
date-long = { $day }. { $month } { $year }
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember

## Zertifikat (PDF)
cert-title = Abschlusszertifikat
cert-certifies-that = Hiermit wird bescheinigt, dass
cert-has-completed = folgenden Kurs erfolgreich abgeschlossen hat:
cert-hours = { $hours ->
    [one] { $hours } Schulungsstunde
   *[other] { $hours } Schulungsstunden
}
cert-completed-on = Abgeschlossen am
cert-issued-on = Ausgestellt am
cert-valid-until = Gültig bis
cert-number = Zertifikat-Nr.
cert-verify = Die Echtheit dieses Zertifikats können Sie hier prüfen:

## E-Mail
mail-subject = Ihr Zertifikat für { $course }
mail-greeting = Guten Tag { $name },
mail-body = herzlichen Glückwunsch zum Abschluss von { $course }. Ihr Zertifikat mit der Nummer { $number } finden Sie im Anhang dieser E-Mail.
mail-download = Sie können es außerdem bis zum { $until } über den folgenden Link herunterladen.
mail-verify = Alle, mit denen Sie es teilen, können seine Echtheit hier prüfen:
mail-signoff =
    Mit freundlichen Grüßen
    { $issuer }
mail-superseded = Es ersetzt das Zertifikat { $old }.
mail-revoked-subject = Ihr Zertifikat für { $course } wurde widerrufen
mail-revoked-body = Wir möchten Sie darüber informieren, dass das Zertifikat { $number } für { $course } widerrufen wurde und nicht mehr gültig ist. Grund: { $reason }

## Öffentliche Prüfseite
verify-title = Zertifikatsprüfung
verify-status-valid = Dieses Zertifikat ist gültig.
verify-status-revoked = Dieses Zertifikat wurde am { $date } widerrufen. Grund: { $reason }
verify-status-superseded = Dieses Zertifikat wurde durch ein neueres mit der Nummer { $number } ersetzt.
verify-status-expired = Dieses Zertifikat ist am { $date } abgelaufen.
verify-status-unknown = Wir konnten kein Zertifikat mit dieser Nummer finden. Bitte prüfen Sie die Nummer und versuchen Sie es erneut.
verify-field-learner = Ausgestellt für
verify-field-course = Kurs
verify-field-hours = Stunden
verify-field-number = Zertifikatsnummer
verify-field-completed = Abgeschlossen am
verify-field-issued = Ausgestellt am
verify-field-valid-until = Gültig bis
verify-field-version = Version
verify-field-issuer = Ausgestellt von
verify-upload-label = Sie haben eine Kopie der PDF-Datei? Laden Sie sie hoch, um zu prüfen, ob sie mit unseren Unterlagen übereinstimmt.
verify-upload-button = PDF prüfen
verify-upload-identical = Die hochgeladene Datei ist mit dem von uns ausgestellten Zertifikat identisch.
verify-upload-different = Die hochgeladene Datei stimmt nicht mit dem von uns ausgestellten Zertifikat überein. Möglicherweise wurde sie verändert.
verify-linkedin = Zu LinkedIn hinzufügen
verify-credential = Verifizierbaren Nachweis herunterladen
verify-signature-ok = Die digitale Signatur ist gültig.
verify-signature-bad = Die digitale Signatur konnte nicht überprüft werden.
verify-upload-unreadable = Die Datei konnte nicht gelesen werden. Bitte laden Sie das Zertifikat als eine einzige PDF-Datei mit höchstens 5 MB hoch.
verify-rate-limited = Zu viele Prüfungen über Ihre Verbindung. Bitte warten Sie eine Minute und versuchen Sie es erneut.

## Fortschritt
progress-lag-note = Der Abschluss wird von den geplanten Aufgaben in Moodle berechnet und kann sich daher um einen Cron-Durchlauf verzögern.
verify-field-seal = Siegel
