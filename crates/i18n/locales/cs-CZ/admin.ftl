# Webová administrace. Všechny stránky, popisky a zprávy, které se v ní zobrazují.

## Navigace a rámec
nav-skip = Přejít k obsahu
nav-label = Hlavní navigace
nav-dashboard = Přehled
nav-enrolments = Zápisy
nav-jobs = Úlohy
nav-certificates = Osvědčení
nav-audit = Auditní protokol
nav-users = Uživatelé
search-label = Hledat faktury, účastníky a kurzy
search-placeholder = Číslo faktury, e-mail, jméno nebo kurz
search-submit = Hledat
sign-out = Odhlásit se
me-language = Jazyk
me-language-save = Změnit jazyk
role-admin = Správce
role-operator = Operátor
role-viewer = Čtenář

## Přihlášení
login-title = Přihlášení
login-email = E-mail
login-password = Heslo
login-submit = Přihlásit se
login-error-credentials = Nesprávný e-mail nebo heslo.
login-error-csrf = Platnost tohoto formuláře vypršela. Přihlaste se prosím znovu.
login-error-throttled = Příliš mnoho neúspěšných pokusů. Zkuste to znovu za { $minutes ->
    [one] minutu
    [few] { $minutes } minuty
    [many] { $minutes } minuty
   *[other] { $minutes } minut
}.
login-no-users = Zatím se nikdo nemůže přihlásit. Na serveru spusťte: moodle-management user add --role admin vas@email.cz

## Chyby
error-internal-title = Něco se pokazilo
error-internal-message = Stránku se nepodařilo sestavit; příčinu uvádí protokol služby.
error-forbidden-title = Nepovoleno
error-forbidden-message = Vaše role to neumožňuje. Obraťte se na správce.
error-csrf-title = Platnost formuláře vypršela
error-csrf-message = Vraťte se zpět, znovu načtěte stránku a zkuste to znovu.
error-not-found-title = Nenalezeno
error-not-found-message = Na této adrese nic není.
error-bad-request-title = Tento požadavek nelze provést
error-bad-request-message = Něco v něm chybí nebo je špatně:

## Společné sloupce tabulek a filtry
col-learner = Účastník
col-site = Web
col-course = Kurz
col-status = Stav
col-actions = Akce
col-number = Číslo
col-issued = Vydáno
col-standing = Platnost
col-when = Kdy
col-who = Kdo
col-action = Akce
col-object = Objekt
col-detail = Podrobnosti
col-email = E-mail
col-role = Role
col-desired = Má být
col-in-moodle = V Moodlu
col-cause = Příčina
col-job = Úloha
filter-apply = Filtrovat

## Přehled

## Zápisy
enrolments-count = { $count ->
    [one] jeden zápis
    [few] { $count } zápisy
    [many] { $count } zápisu
   *[other] { $count } zápisů
}
enrolments-holds = Pozastavené nebo ignorované položky faktur

## Úlohy
jobs-title = Úlohy
jobs-queued = Ve frontě
jobs-running = Běží
jobs-dead = Odstavené
jobs-mail-queued = E-maily ve frontě
jobs-mail-dead = Odstavené e-maily
jobs-paused-site = Web { $site } je pozastaven
jobs-paused-waiting = { $count ->
    [one] Čeká na něj jedna úloha.
    [few] Čekají na něj { $count } úlohy.
    [many] Čeká na něj { $count } úlohy.
   *[other] Čeká na něj { $count } úloh.
}
jobs-fix = Jak to opravit:
jobs-failing = Selhávající úlohy
jobs-none-failing = Žádná úloha neselhává.
jobs-error-and-fix = Chyba a jak ji opravit
jobs-status-dead = Odstavená
jobs-status-retrying = Opakuje se
jobs-retry = Zopakovat
jobs-discard = Zahodit
jobs-retry-all = Zopakovat všechny odstavené úlohy…
jobs-discard-all = Zahodit všechny odstavené úlohy…
jobs-confirm-retry = { $count ->
    [one] Zopakovat jednu odstavenou úlohu?
    [few] Zopakovat { $count } odstavené úlohy?
    [many] Zopakovat { $count } odstavené úlohy?
   *[other] Zopakovat { $count } odstavených úloh?
}
jobs-confirm-discard = { $count ->
    [one] Zahodit jednu odstavenou úlohu?
    [few] Zahodit { $count } odstavené úlohy?
    [many] Zahodit { $count } odstavené úlohy?
   *[other] Zahodit { $count } odstavených úloh?
}
jobs-confirm = Ano, provést
jobs-cancel = Zrušit
jobs-done = { $count ->
    [one] Hotovo: jedna úloha.
    [few] Hotovo: { $count } úlohy.
    [many] Hotovo: { $count } úlohy.
   *[other] Hotovo: { $count } úloh.
}

## Osvědčení
certificates-title = Osvědčení
certificates-none = Zatím žádné osvědčení.
certificates-download = Stáhnout
certificates-verify = Ověřovací stránka
certificates-resend = Odeslat znovu
certificates-reissue = Vydat znovu
certificates-revoke = Zrušit platnost
certificates-revoke-note = Důvod zrušení
certificates-done-revoke = Osvědčení bylo zrušeno; účastník o tom dostane e-mail.
certificates-done-resend = E-mail s osvědčením je znovu ve frontě.
certificates-done-reissue = Byla vydána nová verze, která nahrazuje předchozí.
standing-valid = Platné
standing-revoked = Zrušené
standing-superseded = Nahrazené
standing-expired = Po platnosti

## Auditní protokol
audit-title = Auditní protokol
audit-search = Hledat
audit-operators = Co udělali lidé
audit-moodle = Co jsme změnili v Moodlu
audit-none = Zatím nic.

## Uživatelé
users-title = Uživatelé
users-disabled = Deaktivovaný
users-enabled = Aktivní
users-disable = Deaktivovat
users-enable = Aktivovat
users-save-role = Uložit roli
users-add = Přidat uživatele
users-add-submit = Přidat uživatele
users-password = Heslo (alespoň 12 znaků)
users-error-invalid-email = To není e-mailová adresa.
users-error-email-taken = Uživatel s tímto e-mailem už existuje.
users-error-weak-password = Heslo je příliš krátké: použijte alespoň 12 znaků.
users-error-no-such-user = Takový uživatel neexistuje.
users-error-last-admin = Toto je poslední aktivní správce: nejprve udělejte správcem jiného uživatele.
users-error-internal = Něco se pokazilo; příčinu uvádí protokol služby.

## Hledání a historie faktury
search-title = Hledání
search-empty-query = Zadejte číslo faktury, e-mail nebo jméno účastníka, případně kurz.
search-none = Hledanému výrazu „{ $query }“ nic neodpovídá.
col-invoice = Faktura
invoice-title = Faktura { $number }
invoice-paid = Zaplaceno
invoice-unpaid = Nezaplaceno
invoice-deleted = Smazáno ve fakturačním systému
invoice-problems = Co je teď špatně
invoice-timeline = Co se stalo
invoice-no-courses = Tato faktura neopravňuje k žádnému kurzu.
invoice-job = úloha { $job }
story-seen = Faktura zaznamenána
story-paid = Zaplaceno
story-learner-matched = Účastník přiřazen ke svému účtu v Moodlu
story-learner-created = Vytvořen účet účastníka v Moodlu
story-enrolled = Zapsán
story-suspended = Přístup pozastaven
story-reactivated = Přístup obnoven
story-updated = Termíny zápisu aktualizovány
story-unenrolled = Zápis zrušen
story-changed = Změněno v Moodlu
story-change-failed = Moodle odmítl změnu
story-progress = Průběh
story-completed = Kurz dokončen
story-certificate-issued = Osvědčení vydáno
story-certificate-revoked = Platnost osvědčení zrušena
story-emailed = Osvědčení odesláno e-mailem

## Plán, odchylky a weby
nav-plan = Plán
nav-drift = Odchylky
nav-sites = Weby Moodle
plan-intro = Co by příští průchod změnil v Moodlu a proč. Nic z toho zatím neproběhlo.
plan-nothing = Moodle odpovídá fakturám: příští průchod nic nezmění.
plan-change-enrol = Zapsat
plan-change-update = Aktualizovat termíny
plan-change-suspend = Pozastavit
plan-change-reactivate = Obnovit
plan-change-unenrol = Zrušit zápis
drift-intro = Načte teď z Moodlu všechny přiřazené kurzy: ručně změněné zápisy se zařadí do fronty k opravě a zápisy, které nehradí žádná faktura, se vypíšou.
drift-run = Zkontrolovat Moodle teď
drift-read = { $courses ->
    [one] Načten jeden kurz
    [few] Načteny { $courses } kurzy
    [many] Načteno { $courses } kurzu
   *[other] Načteno { $courses } kurzů
}
drift-repaired = Změněno v Moodlu, probíhá oprava
drift-unexpected = V Moodlu, ale nehradí ho žádná faktura
drift-errors = Kurzy, které se nepodařilo načíst
sites-url = Adresa
sites-origin = Kde je nastaven
sites-declared-in-config = Deklarováno v config.toml (zde jen pro čtení)
sites-test = Otestovat připojení

## Doručení webhooků
nav-deliveries = Webhooky
deliveries-none = Zatím nebylo přijato žádné doručení webhooku.
deliveries-source = Zdroj
deliveries-id = Doručení
deliveries-body = Obsah
deliveries-show-body = Zobrazit
deliveries-applied = Použito
deliveries-waiting = Čeká
deliveries-reapply = Použít znovu

## Produkty a místa
nav-mappings = Produkty
nav-seats = Místa
mappings-intro = Ke kterému kurzu opravňuje každý prodaný produkt. Deklarováno v config.toml: změňte to tam a restartujte službu.
mappings-none = Žádný produkt není přiřazen ke kurzu: zaplacené faktury k ničemu neopravňují, dokud nějaký přiřazen nebude.
mappings-product = Produkt
mappings-duration = Přístup
mappings-group = Skupina
mappings-days = { $days ->
    [one] jeden den
    [few] { $days } dny
    [many] { $days } dne
   *[other] { $days } dní
}
mappings-no-end = Bez omezení
seats-assign = Přidělit místo
seats-line = Položka
seats-name = Jméno účastníka
seats-assign-submit = Přidělit
seats-release = Uvolnit
seats-none = Není přiděleno žádné místo.

## Přehled
dashboard-all-sites = Všechny weby
dashboard-from = Od
dashboard-to = Do
dashboard-card-revenue = Tržby z kurzů
dashboard-card-learners = Aktivní účastníci
dashboard-card-pending = Čekající zápisy
dashboard-card-completions = Dokončení
dashboard-card-certificates = Vydaná osvědčení
dashboard-card-jobs-failing = Selhávající úlohy
dashboard-card-mails-failing = Selhávající e-maily
dashboard-sources = Zdroje faktur
dashboard-last-progress = Poslední načtení průběhu
dashboard-last-poll = Poslední úspěšný dotaz
dashboard-backlog = Čekající úlohy
dashboard-paused = Pozastaveno
dashboard-reachable = Funguje
dashboard-chart-empty = V tomto období nic.
dashboard-chart-enrolments = Zápisy po měsících
dashboard-chart-status = Zápisy podle stavu
dashboard-chart-progress = Účastníci podle průběhu
dashboard-chart-completions = Dokončení po měsících
dashboard-chart-certificates = Osvědčení po měsících
dashboard-chart-top-revenue = Nejlepší kurzy podle tržeb
dashboard-chart-top-learners = Nejlepší kurzy podle počtu účastníků
dashboard-status-active = Aktivní
dashboard-status-suspended = Pozastavený
dashboard-status-revoked = Zrušený
dashboard-status-removed = Odebraný
dashboard-status-none = Žádný

## Seznam zápisů
filter-any = Jakýkoli
enrolments-export = Exportovat vše do CSV
enrolments-job-pending = Čeká
enrolments-job-failing = Selhává
enrolments-job-dead = Odstavená
enrolments-job-settled = Hotovo
pagination-label = Stránky
pagination-previous = Předchozí
pagination-next = Další
pagination-page = Stránka { $page }
