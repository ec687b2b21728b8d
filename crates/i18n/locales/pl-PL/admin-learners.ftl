# The learners pages of the web admin: the list and one learner's page.

nav-learners = Uczestnicy
learners-search-label = E-mail lub imię i nazwisko
learners-search = Szukaj
learners-count = { $count ->
    [one] jeden uczestnik
    [few] { $count } uczestnicy
    [many] { $count } uczestników
   *[other] { $count } uczestnika
}
learners-none = Żaden uczestnik nie pasuje.
learners-col-name = Imię i nazwisko
learners-col-courses = Kursy
learners-col-active = Aktywne
learners-col-updated = Ostatnia zmiana
learner-title = Uczestnik { $email }
learner-accounts = Konta Moodle
learner-no-accounts = Jeszcze brak konta Moodle.
learner-moodle-id = Id użytkownika Moodle
learner-account-how = Jak
learner-account-created = Utworzone przez nas
learner-account-matched = Dopasowano istniejące konto
learner-since = Od
learner-enrolments = Kursy
learner-no-enrolments = Brak kursów.
learner-access = Dostęp
learner-progress = Postęp
learner-percent = { $percent } %
learner-completed = ukończono { $date }
learner-grade = ocena { $grade }
learner-certificates = Certyfikaty
learner-no-certificates = Brak certyfikatów.
learner-certificate-revoked = Unieważniony
learner-invoices = Faktury
learner-no-invoices = Brak faktur.
learner-history = Zmiany w Moodle
learner-no-history = W Moodle nic jeszcze nie zmieniono.
