# Teksty MoodleManagement po polsku. Klucze są takie same jak w locales/en-GB/main.ftl.

## Daty (format_date): „7 grudnia 2026” (miesiące w dopełniaczu)
date-long = { $day } { $month } { $year }
month-1 = stycznia
month-2 = lutego
month-3 = marca
month-4 = kwietnia
month-5 = maja
month-6 = czerwca
month-7 = lipca
month-8 = sierpnia
month-9 = września
month-10 = października
month-11 = listopada
month-12 = grudnia

## Certyfikat (PDF)
cert-title = Certyfikat ukończenia kursu
cert-certifies-that = Niniejszym zaświadcza się, że
cert-has-completed = pomyślnie ukończył(a) kurs
cert-hours = { $hours ->
    [one] { $hours } godzina szkolenia
    [few] { $hours } godziny szkolenia
    [many] { $hours } godzin szkolenia
   *[other] { $hours } godziny szkolenia
}
cert-completed-on = Data ukończenia
cert-issued-on = Data wydania
cert-valid-until = Ważny do
cert-number = Certyfikat nr
cert-verify = Autentyczność tego certyfikatu można sprawdzić na stronie

## E-mail
mail-subject = Certyfikat ukończenia kursu { $course }
mail-greeting = Dzień dobry, { $name },
mail-body = gratulujemy ukończenia kursu { $course }. W załączniku przesyłamy certyfikat o numerze { $number }.
mail-download = Do { $until } certyfikat można również pobrać, korzystając z poniższego linku.
mail-verify = Każda osoba, której zostanie udostępniony, może sprawdzić jego autentyczność tutaj:
mail-signoff =
    Z poważaniem
    { $issuer }
mail-superseded = Ten certyfikat zastępuje certyfikat { $old }.
mail-revoked-subject = Certyfikat ukończenia kursu { $course } został unieważniony
mail-revoked-body = Uprzejmie informujemy, że certyfikat { $number } dotyczący kursu { $course } został unieważniony i nie jest już ważny. Powód: { $reason }

## Publiczna strona weryfikacji
verify-title = Weryfikacja certyfikatu
verify-status-valid = Ten certyfikat jest ważny.
verify-status-revoked = Ten certyfikat został unieważniony dnia { $date }. Powód: { $reason }
verify-status-superseded = Ten certyfikat został zastąpiony nowszym, o numerze { $number }.
verify-status-expired = Ważność tego certyfikatu wygasła dnia { $date }.
verify-status-unknown = Nie znaleźliśmy certyfikatu o tym numerze. Prosimy sprawdzić numer i spróbować ponownie.
verify-field-learner = Wydany dla
verify-field-course = Kurs
verify-field-hours = Liczba godzin
verify-field-number = Numer certyfikatu
verify-field-completed = Data ukończenia
verify-field-issued = Data wydania
verify-field-valid-until = Ważny do
verify-field-version = Wersja
verify-field-issuer = Wystawca
verify-upload-label = Mają Państwo kopię pliku PDF? Prosimy ją przesłać, aby sprawdzić, czy zgadza się z naszą dokumentacją.
verify-upload-button = Sprawdź plik PDF
verify-upload-identical = Przesłany plik jest identyczny z wydanym przez nas certyfikatem.
verify-upload-different = Przesłany plik nie zgadza się z wydanym przez nas certyfikatem. Mógł zostać zmodyfikowany.
verify-linkedin = Dodaj do LinkedIn
verify-credential = Pobierz weryfikowalne poświadczenie
verify-signature-ok = Podpis elektroniczny jest prawidłowy.
verify-signature-bad = Nie udało się zweryfikować podpisu elektronicznego.
verify-upload-unreadable = Nie udało się odczytać pliku. Prosimy przesłać certyfikat jako jeden plik PDF o rozmiarze nie większym niż 5 MB.
verify-rate-limited = Zbyt wiele weryfikacji z tego połączenia. Prosimy odczekać minutę i spróbować ponownie.

## Postęp
progress-lag-note = Ukończenie jest obliczane przez zaplanowane zadania Moodle, dlatego może być opóźnione o jeden cykl crona.
verify-field-seal = Pieczęć
