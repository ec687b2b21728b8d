# The learners pages of the web admin: the list and one learner's page.

nav-learners = Ikasleak
learners-search-label = Helbide elektronikoa edo izena
learners-search = Bilatu
learners-count = { $count ->
    [one] ikasle bat
   *[other] { $count } ikasle
}
learners-none = Ez dago bat datorren ikaslerik.
learners-col-name = Izena
learners-col-courses = Ikastaroak
learners-col-active = Aktiboak
learners-col-updated = Azken aldaketa
learner-title = { $email } ikaslea
learner-accounts = Moodle kontuak
learner-no-accounts = Oraindik ez du Moodle konturik.
learner-moodle-id = Moodle erabiltzaile id-a
learner-account-how = Nola
learner-account-created = Guk sortua
learner-account-matched = Lehendik zegoen kontua lotuta
learner-since = Noiztik
learner-enrolments = Ikastaroak
learner-no-enrolments = Ikastarorik ez.
learner-access = Sarbidea
learner-progress = Aurrerapena
learner-percent = % { $percent }
learner-completed = { $date }(e)an osatua
learner-grade = kalifikazioa: { $grade }
learner-certificates = Ziurtagiriak
learner-no-certificates = Ziurtagiririk ez.
learner-certificate-revoked = Baliogabetua
learner-invoices = Fakturak
learner-no-invoices = Fakturarik ez.
learner-history = Aldaketak Moodlen
learner-no-history = Oraindik ez da ezer aldatu Moodlen.
