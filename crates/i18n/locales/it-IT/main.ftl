# Testi di MoodleManagement in italiano (Italia). Le chiavi sono quelle di locales/en-GB/main.ftl.

## Date (format_date): "7 dicembre 2026", "1º dicembre 2026"
date-long = { $day ->
    [1] 1º
   *[other] { $day }
} { $month } { $year }
month-1 = gennaio
month-2 = febbraio
month-3 = marzo
month-4 = aprile
month-5 = maggio
month-6 = giugno
month-7 = luglio
month-8 = agosto
month-9 = settembre
month-10 = ottobre
month-11 = novembre
month-12 = dicembre

## Attestato (PDF)
cert-title = Attestato di completamento
cert-certifies-that = Si attesta che
cert-has-completed = ha completato con successo il corso
cert-hours = { $hours ->
    [one] { $hours } ora di formazione
   *[other] { $hours } ore di formazione
}
cert-completed-on = Completato il
cert-issued-on = Rilasciato il
cert-valid-until = Valido fino al
cert-number = Attestato n.
cert-verify = Verifichi l’autenticità di questo attestato su

## E-mail
mail-subject = Il Suo attestato del corso { $course }
mail-greeting = Gentile { $name },
mail-body = congratulazioni per aver completato il corso { $course }. In allegato a questa e-mail trova il Suo attestato, numero { $number }.
mail-download = Può anche scaricarlo dal link sottostante fino al { $until }.
mail-verify = Chiunque lo riceva da Lei può verificarne l’autenticità qui:
mail-signoff =
    Cordiali saluti,
    { $issuer }
mail-superseded = Questo attestato sostituisce l’attestato { $old }.
mail-revoked-subject = Il Suo attestato del corso { $course } è stato revocato
mail-revoked-body = La informiamo che l’attestato { $number } del corso { $course } è stato revocato e non è più valido. Motivo: { $reason }

## Pagina pubblica di verifica
verify-title = Verifica dell’attestato
verify-status-valid = Questo attestato è valido.
verify-status-revoked = Questo attestato è stato revocato il { $date }. Motivo: { $reason }
verify-status-superseded = Questo attestato è stato sostituito da uno più recente, numero { $number }.
verify-status-expired = Questo attestato è scaduto il { $date }.
verify-status-unknown = Non abbiamo trovato alcun attestato con questo numero. La preghiamo di controllarlo e riprovare.
verify-field-learner = Rilasciato a
verify-field-course = Corso
verify-field-hours = Ore
verify-field-number = Numero dell’attestato
verify-field-completed = Completato il
verify-field-issued = Rilasciato il
verify-field-valid-until = Valido fino al
verify-field-version = Versione
verify-field-issuer = Rilasciato da
verify-upload-label = Ha una copia del PDF? La carichi per verificare che corrisponda ai nostri archivi.
verify-upload-button = Verifica il PDF
verify-upload-identical = Il file caricato è identico all’attestato che abbiamo rilasciato.
verify-upload-different = Il file caricato non corrisponde all’attestato che abbiamo rilasciato. Potrebbe essere stato modificato.
verify-linkedin = Aggiungi a LinkedIn
verify-credential = Scarica la credenziale verificabile
verify-signature-ok = La firma digitale è valida.
verify-signature-bad = Non è stato possibile verificare la firma digitale.
verify-upload-unreadable = Non è stato possibile leggere il file. Carichi l’attestato come un unico PDF di massimo 5 MB.
verify-rate-limited = Troppe verifiche dalla Sua connessione. Attenda un minuto e riprovi.

## Avanzamento
progress-lag-note = Il completamento viene calcolato dalle attività pianificate di Moodle, quindi può essere in ritardo di un ciclo di cron.
verify-field-seal = Sigillo
