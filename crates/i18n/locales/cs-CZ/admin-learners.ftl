# The learners pages of the web admin: the list and one learner's page.

nav-learners = Účastníci
learners-search-label = E-mail nebo jméno
learners-search = Hledat
learners-count = { $count ->
    [one] jeden účastník
    [few] { $count } účastníci
    [many] { $count } účastníka
   *[other] { $count } účastníků
}
learners-none = Žádný účastník neodpovídá.
learners-col-name = Jméno
learners-col-courses = Kurzy
learners-col-active = Aktivní
learners-col-updated = Poslední změna
learner-title = Účastník { $email }
learner-accounts = Účty Moodle
learner-no-accounts = Zatím žádný účet Moodle.
learner-moodle-id = Id uživatele Moodle
learner-account-how = Jak
learner-account-created = Vytvořen námi
learner-account-matched = Přiřazen existující účet
learner-since = Od
learner-enrolments = Kurzy
learner-no-enrolments = Žádný kurz.
learner-access = Přístup
learner-progress = Pokrok
learner-percent = { $percent } %
learner-completed = dokončeno { $date }
learner-grade = známka { $grade }
learner-certificates = Certifikáty
learner-no-certificates = Žádný certifikát.
learner-certificate-revoked = Odvolaný
learner-invoices = Faktury
learner-no-invoices = Žádná faktura.
learner-history = Změny v Moodle
learner-no-history = V Moodle se zatím nic nezměnilo.
