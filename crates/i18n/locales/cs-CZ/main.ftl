# Texty MoodleManagement v češtině. Klíče odpovídají souboru locales/en-GB/main.ftl.

## Data (format_date): „7. prosince 2026“ (měsíce ve 2. pádě)
date-long = { $day }. { $month } { $year }
month-1 = ledna
month-2 = února
month-3 = března
month-4 = dubna
month-5 = května
month-6 = června
month-7 = července
month-8 = srpna
month-9 = září
month-10 = října
month-11 = listopadu
month-12 = prosince

## Osvědčení (PDF)
cert-title = Osvědčení o absolvování kurzu
cert-certifies-that = Tímto se potvrzuje, že
cert-has-completed = úspěšně absolvoval(a) kurz
cert-hours = { $hours ->
    [one] { $hours } hodina výuky
    [few] { $hours } hodiny výuky
    [many] { $hours } hodiny výuky
   *[other] { $hours } hodin výuky
}
cert-completed-on = Dokončeno dne
cert-issued-on = Vydáno dne
cert-valid-until = Platné do
cert-number = Osvědčení č.
cert-verify = Pravost tohoto osvědčení ověříte na adrese

## E-mail
mail-subject = Vaše osvědčení z kurzu { $course }
mail-greeting = Dobrý den, { $name },
mail-body = blahopřejeme Vám k absolvování kurzu { $course }. V příloze tohoto e-mailu najdete své osvědčení číslo { $number }.
mail-download = Do { $until } si ho můžete stáhnout také pomocí odkazu níže.
mail-verify = Kdokoli, s kým ho sdílíte, může jeho pravost ověřit zde:
mail-signoff =
    S pozdravem
    { $issuer }
mail-superseded = Toto osvědčení nahrazuje osvědčení { $old }.
mail-revoked-subject = Vaše osvědčení z kurzu { $course } bylo zrušeno
mail-revoked-body = Dovolujeme si Vám oznámit, že osvědčení { $number } z kurzu { $course } bylo zrušeno a již není platné. Důvod: { $reason }

## Veřejná stránka ověření
verify-title = Ověření osvědčení
verify-status-valid = Toto osvědčení je platné.
verify-status-revoked = Toto osvědčení bylo zrušeno dne { $date }. Důvod: { $reason }
verify-status-superseded = Toto osvědčení bylo nahrazeno novějším osvědčením číslo { $number }.
verify-status-expired = Platnost tohoto osvědčení skončila dne { $date }.
verify-status-unknown = Osvědčení s tímto číslem jsme nenašli. Zkontrolujte je prosím a zkuste to znovu.
verify-field-learner = Držitel
verify-field-course = Kurz
verify-field-hours = Počet hodin
verify-field-number = Číslo osvědčení
verify-field-completed = Dokončeno dne
verify-field-issued = Vydáno dne
verify-field-valid-until = Platné do
verify-field-version = Verze
verify-field-issuer = Vydavatel
verify-upload-label = Máte kopii PDF? Nahrajte ji a ověřte, zda odpovídá našim záznamům.
verify-upload-button = Ověřit PDF
verify-upload-identical = Nahraný soubor je shodný s osvědčením, které jsme vydali.
verify-upload-different = Nahraný soubor neodpovídá osvědčení, které jsme vydali. Mohl být pozměněn.
verify-linkedin = Přidat na LinkedIn
verify-credential = Stáhnout ověřitelný doklad
verify-signature-ok = Elektronický podpis je platný.
verify-signature-bad = Elektronický podpis se nepodařilo ověřit.
verify-upload-unreadable = Soubor se nepodařilo přečíst. Nahrajte osvědčení jako jeden soubor PDF o velikosti nejvýše 5 MB.
verify-rate-limited = Z Vašeho připojení přišlo příliš mnoho ověření. Počkejte prosím minutu a zkuste to znovu.

## Průběh
progress-lag-note = Dokončení počítají naplánované úlohy Moodlu, proto se může zpozdit o jeden cyklus cronu.
verify-field-seal = Pečeť
