# Textos de MoodleManagement en català. Les claus són les de locales/en-GB/main.ftl.

## Dates (format_date): "7 de desembre de 2026", "7 d’abril de 2026"
# Els mesos porten la preposició ("de gener", "d’abril"), com la forma de context de CLDR.
date-long = { $day } { $month } de { $year }
month-1 = de gener
month-2 = de febrer
month-3 = de març
month-4 = d’abril
month-5 = de maig
month-6 = de juny
month-7 = de juliol
month-8 = d’agost
month-9 = de setembre
month-10 = d’octubre
month-11 = de novembre
month-12 = de desembre

## Certificat (PDF)
cert-title = Certificat de finalització
cert-certifies-that = Es certifica que
cert-has-completed = ha completat amb èxit el curs
cert-hours = { $hours ->
    [one] { $hours } hora de formació
   *[other] { $hours } hores de formació
}
cert-completed-on = Finalitzat el
cert-issued-on = Expedit el
cert-valid-until = Vàlid fins al
cert-number = Certificat núm.
cert-verify = Comprovi l’autenticitat d’aquest certificat a

## Correu electrònic
mail-subject = El seu certificat del curs { $course }
mail-greeting = Hola, { $name },
mail-body = Enhorabona per haver completat el curs { $course }. Li adjuntem el seu certificat, amb el número { $number }.
mail-download = També el pot baixar des de l’enllaç següent fins al { $until }.
mail-verify = Qualsevol persona amb qui el comparteixi en pot comprovar l’autenticitat aquí:
mail-signoff =
    Salutacions cordials,
    { $issuer }
mail-superseded = Aquest certificat substitueix l’anterior, amb el número { $old }.
mail-revoked-subject = El seu certificat del curs { $course } ha estat revocat
mail-revoked-body = Li comuniquem que el certificat { $number } del curs { $course } ha estat revocat i ja no és vàlid. Motiu: { $reason }

## Pàgina pública de verificació
verify-title = Verificació de certificats
verify-status-valid = Aquest certificat és vàlid.
verify-status-revoked = Aquest certificat es va revocar el { $date }. Motiu: { $reason }
verify-status-superseded = Aquest certificat ha estat substituït per un de més recent, amb el número { $number }.
verify-status-expired = Aquest certificat va caducar el { $date }.
verify-status-unknown = No hem trobat cap certificat amb aquest número. Comprovi’l i torni-ho a provar.
verify-field-learner = Atorgat a
verify-field-course = Curs
verify-field-hours = Hores
verify-field-number = Número de certificat
verify-field-completed = Finalitzat el
verify-field-issued = Expedit el
verify-field-valid-until = Vàlid fins al
verify-field-version = Versió
verify-field-issuer = Emès per
verify-upload-label = Té una còpia del PDF? Pugi-la per comprovar que coincideix amb el nostre registre.
verify-upload-button = Comprovar el PDF
verify-upload-identical = El fitxer que ha pujat és idèntic al certificat que vam emetre.
verify-upload-different = El fitxer que ha pujat no coincideix amb el certificat que vam emetre. És possible que s’hagi modificat.
verify-linkedin = Afegir a LinkedIn
verify-credential = Baixar la credencial verificable
verify-signature-ok = La signatura digital és vàlida.
verify-signature-bad = No s’ha pogut verificar la signatura digital.
verify-upload-unreadable = No s’ha pogut llegir el fitxer. Pugi el certificat com un únic PDF de 5 MB com a màxim.
verify-rate-limited = Massa comprovacions des de la seva connexió. Esperi un minut i torni-ho a provar.

## Progrés
progress-lag-note = La finalització la calculen les tasques programades de Moodle, de manera que pot anar amb el retard d’un cicle de cron.
verify-field-seal = Segell
