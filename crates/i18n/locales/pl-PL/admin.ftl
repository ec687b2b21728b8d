# Panel administracyjny. Wszystkie strony, etykiety i komunikaty, które się w nim czyta.

## Nawigacja i ramka
nav-skip = Przejdź do treści
nav-label = Nawigacja główna
nav-dashboard = Pulpit
nav-enrolments = Zapisy
nav-jobs = Zadania
nav-certificates = Certyfikaty
nav-audit = Dziennik audytu
nav-users = Użytkownicy
search-label = Szukaj faktur, uczestników i kursów
search-placeholder = Numer faktury, e-mail, imię i nazwisko lub kurs
search-submit = Szukaj
sign-out = Wyloguj się
me-language = Język
me-language-save = Zmień język
role-admin = Administrator
role-operator = Operator
role-viewer = Przeglądający

## Logowanie
login-title = Logowanie
login-email = E-mail
login-password = Hasło
login-submit = Zaloguj się
login-error-credentials = Nieprawidłowy e-mail lub hasło.
login-error-csrf = Ten formularz wygasł. Zaloguj się ponownie.
login-error-throttled = Zbyt wiele nieudanych prób. Spróbuj ponownie za { $minutes ->
    [one] minutę
    [few] { $minutes } minuty
    [many] { $minutes } minut
   *[other] { $minutes } minuty
}.
login-no-users = Nikt nie może się jeszcze zalogować. Na serwerze uruchom: moodle-management user add --role admin twoj@email.pl

## Błędy
error-internal-title = Coś poszło nie tak
error-internal-message = Nie udało się utworzyć strony; przyczynę podaje dziennik usługi.
error-forbidden-title = Brak uprawnień
error-forbidden-message = Twoja rola na to nie pozwala. Poproś administratora.
error-csrf-title = Ten formularz wygasł
error-csrf-message = Wróć, odśwież stronę i spróbuj ponownie.
error-not-found-title = Nie znaleziono
error-not-found-message = Pod tym adresem nic nie ma.
error-bad-request-title = Nie można wykonać tego żądania
error-bad-request-message = Czegoś w nim brakuje lub coś jest nieprawidłowe:

## Wspólne kolumny tabel i filtry
col-learner = Uczestnik
col-site = Witryna
col-course = Kurs
col-status = Status
col-actions = Akcje
col-number = Numer
col-issued = Data wydania
col-standing = Ważność
col-when = Kiedy
col-who = Kto
col-action = Akcja
col-object = Obiekt
col-detail = Szczegóły
col-email = E-mail
col-role = Rola
col-desired = Powinno być
col-in-moodle = W Moodle
col-cause = Przyczyna
col-job = Zadanie
filter-apply = Filtruj

## Pulpit

## Zapisy
enrolments-count = { $count ->
    [one] jeden zapis
    [few] { $count } zapisy
    [many] { $count } zapisów
   *[other] { $count } zapisu
}
enrolments-holds = Wstrzymane lub pominięte pozycje faktur

## Zadania
jobs-title = Zadania
jobs-queued = W kolejce
jobs-running = W toku
jobs-dead = Odłożone
jobs-mail-queued = E-maile w kolejce
jobs-mail-dead = Odłożone e-maile
jobs-paused-site = Witryna { $site } jest wstrzymana
jobs-paused-waiting = { $count ->
    [one] Czeka na nią jedno zadanie.
    [few] Czekają na nią { $count } zadania.
    [many] Czeka na nią { $count } zadań.
   *[other] Czeka na nią { $count } zadania.
}
jobs-fix = Jak naprawić:
jobs-failing = Zadania kończące się błędem
jobs-none-failing = Żadne zadanie nie kończy się błędem.
jobs-error-and-fix = Błąd i jak go naprawić
jobs-status-dead = Odłożone
jobs-status-retrying = Ponawianie
jobs-retry = Ponów
jobs-discard = Odrzuć
jobs-retry-all = Ponów wszystkie odłożone zadania…
jobs-discard-all = Odrzuć wszystkie odłożone zadania…
jobs-confirm-retry = { $count ->
    [one] Ponowić jedno odłożone zadanie?
    [few] Ponowić { $count } odłożone zadania?
    [many] Ponowić { $count } odłożonych zadań?
   *[other] Ponowić { $count } odłożonego zadania?
}
jobs-confirm-discard = { $count ->
    [one] Odrzucić jedno odłożone zadanie?
    [few] Odrzucić { $count } odłożone zadania?
    [many] Odrzucić { $count } odłożonych zadań?
   *[other] Odrzucić { $count } odłożonego zadania?
}
jobs-confirm = Tak, wykonaj
jobs-cancel = Anuluj
jobs-done = { $count ->
    [one] Wykonano jedno zadanie.
    [few] Wykonano { $count } zadania.
    [many] Wykonano { $count } zadań.
   *[other] Wykonano { $count } zadania.
}

## Certyfikaty
certificates-title = Certyfikaty
certificates-none = Nie ma jeszcze żadnego certyfikatu.
certificates-download = Pobierz
certificates-verify = Strona weryfikacji
certificates-resend = Wyślij ponownie
certificates-reissue = Wystaw ponownie
certificates-revoke = Unieważnij
certificates-revoke-note = Powód unieważnienia
certificates-done-revoke = Certyfikat został unieważniony; uczestnik zostanie o tym powiadomiony e-mailem.
certificates-done-resend = E-mail z certyfikatem ponownie trafił do kolejki.
certificates-done-reissue = Wystawiono nową wersję; zastępuje ona poprzednią.
standing-valid = Ważny
standing-revoked = Unieważniony
standing-superseded = Zastąpiony
standing-expired = Wygasły

## Dziennik audytu
audit-title = Dziennik audytu
audit-search = Szukaj
audit-operators = Co zrobili użytkownicy
audit-moodle = Co zmieniliśmy w Moodle
audit-none = Na razie nic.

## Użytkownicy
users-title = Użytkownicy
users-disabled = Wyłączony
users-enabled = Aktywny
users-disable = Wyłącz
users-enable = Włącz
users-save-role = Zapisz rolę
users-add = Dodaj użytkownika
users-add-submit = Dodaj użytkownika
users-password = Hasło (co najmniej 12 znaków)
users-error-invalid-email = To nie jest adres e-mail.
users-error-email-taken = Użytkownik z tym adresem e-mail już istnieje.
users-error-weak-password = Hasło jest za krótkie: użyj co najmniej 12 znaków.
users-error-no-such-user = Taki użytkownik nie istnieje.
users-error-last-admin = To jest ostatni aktywny administrator: najpierw nadaj uprawnienia administratora innemu użytkownikowi.
users-error-internal = Coś poszło nie tak; przyczynę podaje dziennik usługi.

## Wyszukiwanie i historia faktury
search-title = Wyszukiwanie
search-empty-query = Wpisz numer faktury, adres e-mail lub imię i nazwisko uczestnika albo kurs.
search-none = Nic nie pasuje do „{ $query }”.
col-invoice = Faktura
invoice-title = Faktura { $number }
invoice-paid = Opłacona
invoice-unpaid = Nieopłacona
invoice-deleted = Usunięta w systemie fakturowym
invoice-problems = Co jest teraz nie tak
invoice-timeline = Co się wydarzyło
invoice-no-courses = Ta faktura nie daje dostępu do żadnego kursu.
invoice-job = zadanie { $job }
story-seen = Odnotowano fakturę
story-paid = Opłacona
story-learner-matched = Powiązano uczestnika z jego kontem Moodle
story-learner-created = Utworzono konto Moodle uczestnika
story-enrolled = Zapisano
story-suspended = Zawieszono dostęp
story-reactivated = Przywrócono dostęp
story-updated = Zaktualizowano daty zapisu
story-unenrolled = Wypisano
story-changed = Zmieniono w Moodle
story-change-failed = Moodle odrzucił zmianę
story-progress = Postęp
story-completed = Ukończono kurs
story-certificate-issued = Wystawiono certyfikat
story-certificate-revoked = Unieważniono certyfikat
story-emailed = Wysłano certyfikat e-mailem

## Plan, rozbieżności i witryny
nav-plan = Plan
nav-drift = Rozbieżności
nav-sites = Witryny Moodle
plan-intro = Co następny przebieg zmieniłby w Moodle i dlaczego. Nic z tego nie zostało jeszcze wykonane.
plan-nothing = Moodle jest zgodny z fakturami: następny przebieg niczego nie zmieni.
plan-change-enrol = Zapisz
plan-change-update = Zaktualizuj daty
plan-change-suspend = Zawieś
plan-change-reactivate = Przywróć
plan-change-unenrol = Wypisz
drift-intro = Odczytuje teraz z Moodle każdy powiązany kurs: zapisy zmienione ręcznie trafiają do kolejki do naprawy, a zapisy, za które nie płaci żadna faktura, są wyświetlane na liście.
drift-run = Sprawdź Moodle teraz
drift-read = { $courses ->
    [one] Odczytano jeden kurs
    [few] Odczytano { $courses } kursy
    [many] Odczytano { $courses } kursów
   *[other] Odczytano { $courses } kursu
}
drift-repaired = Zmienione w Moodle, w trakcie naprawy
drift-unexpected = W Moodle, ale nie płaci za to żadna faktura
drift-errors = Kursy, których nie udało się odczytać
sites-url = Adres
sites-origin = Gdzie ustawiono
sites-declared-in-config = Zadeklarowano w config.toml (tutaj tylko do odczytu)
sites-test = Testuj połączenie

## Dostarczenia webhooków
nav-deliveries = Webhooki
deliveries-none = Nie odebrano jeszcze żadnego dostarczenia webhooka.
deliveries-source = Źródło
deliveries-id = Dostarczenie
deliveries-body = Treść
deliveries-show-body = Pokaż
deliveries-applied = Zastosowano
deliveries-waiting = Oczekuje
deliveries-reapply = Zastosuj ponownie

## Produkty i miejsca
nav-mappings = Produkty
nav-seats = Miejsca
mappings-intro = Do jakiego kursu daje dostęp każdy sprzedany produkt. Zadeklarowane w config.toml: zmień je tam i uruchom ponownie usługę.
mappings-none = Żaden produkt nie jest powiązany z kursem: opłacone faktury nie dają dostępu do niczego, dopóki jakiś nie zostanie powiązany.
mappings-product = Produkt
mappings-duration = Dostęp
mappings-group = Grupa
mappings-days = { $days ->
    [one] jeden dzień
    [few] { $days } dni
    [many] { $days } dni
   *[other] { $days } dnia
}
mappings-no-end = Bez końca
seats-assign = Przydziel miejsce
seats-line = Pozycja
seats-name = Imię i nazwisko uczestnika
seats-assign-submit = Przydziel
seats-release = Zwolnij
seats-none = Nie przydzielono żadnego miejsca.

## Pulpit
dashboard-all-sites = Wszystkie witryny
dashboard-from = Od
dashboard-to = Do
dashboard-card-revenue = Przychody z kursów
dashboard-card-learners = Aktywni uczestnicy
dashboard-card-pending = Oczekujące zapisy
dashboard-card-completions = Ukończenia
dashboard-card-certificates = Wystawione certyfikaty
dashboard-card-jobs-failing = Zadania kończące się błędem
dashboard-card-mails-failing = E-maile kończące się błędem
dashboard-sources = Źródła faktur
dashboard-last-progress = Ostatni odczyt postępów
dashboard-last-poll = Ostatnie udane odpytanie
dashboard-backlog = Oczekujące zadania
dashboard-paused = Wstrzymano
dashboard-reachable = Działa
dashboard-chart-empty = Brak danych w tym okresie.
dashboard-chart-enrolments = Zapisy w kolejnych miesiącach
dashboard-chart-status = Zapisy według statusu
dashboard-chart-progress = Uczestnicy według postępów
dashboard-chart-completions = Ukończenia w kolejnych miesiącach
dashboard-chart-certificates = Certyfikaty w kolejnych miesiącach
dashboard-chart-top-revenue = Najlepsze kursy według przychodów
dashboard-chart-top-learners = Najlepsze kursy według liczby uczestników
dashboard-status-active = Aktywny
dashboard-status-suspended = Zawieszony
dashboard-status-revoked = Unieważniony
dashboard-status-removed = Usunięty
dashboard-status-none = Brak

## Lista zapisów
filter-any = Dowolny
enrolments-export = Eksportuj wszystko do CSV
enrolments-job-pending = Oczekuje
enrolments-job-failing = Kończy się błędem
enrolments-job-dead = Odłożone
enrolments-job-settled = Gotowe
pagination-label = Strony
pagination-previous = Poprzednia
pagination-next = Następna
pagination-page = Strona { $page }
