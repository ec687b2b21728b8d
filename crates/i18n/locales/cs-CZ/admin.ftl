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
dashboard-paused-sites = Pozastavené weby

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
