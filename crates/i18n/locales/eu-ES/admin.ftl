# Web-administrazioa. Bertan irakurtzen diren orri, etiketa eta mezu guztiak.

## Nabigazioa eta markoa
nav-skip = Joan edukira
nav-label = Nabigazio nagusia
nav-dashboard = Panela
nav-enrolments = Matrikulazioak
nav-jobs = Lanak
nav-certificates = Ziurtagiriak
nav-audit = Auditoria-erregistroa
nav-users = Erabiltzaileak
search-label = Bilatu fakturak, ikasleak eta ikastaroak
search-placeholder = Faktura-zenbakia, helbide elektronikoa, izena edo ikastaroa
search-submit = Bilatu
sign-out = Amaitu saioa
me-language = Hizkuntza
me-language-save = Aldatu hizkuntza
role-admin = Administratzailea
role-operator = Operadorea
role-viewer = Ikuslea

## Saioa hastea
login-title = Hasi saioa
login-email = Helbide elektronikoa
login-password = Pasahitza
login-submit = Hasi saioa
login-error-credentials = Helbide elektronikoa edo pasahitza okerra da.
login-error-csrf = Inprimaki hau iraungita zegoen. Hasi saioa berriro.
login-error-throttled = Huts egindako saiakera gehiegi. Saiatu berriro { $minutes ->
    [one] minutu bat
   *[other] { $minutes } minutu
} barru.
login-no-users = Oraindik inork ezin du saioa hasi. Zerbitzarian, exekutatu: moodle-management user add --role admin zure@posta

## Erroreak
error-internal-title = Zerbait gaizki joan da
error-internal-message = Ezin izan da orria sortu; zerbitzuaren erregistroan ageri da zergatia.
error-forbidden-title = Ez dago baimenduta
error-forbidden-message = Zure rolak ez du hori baimentzen. Eskatu administratzaile bati.
error-csrf-title = Inprimaki hau iraungi egin da
error-csrf-message = Itzuli atzera, kargatu berriro orria eta saiatu berriro.
error-not-found-title = Ez da aurkitu
error-not-found-message = Ez dago ezer helbide honetan.
error-bad-request-title = Ezin da eskaera hau egin
error-bad-request-message = Zerbait falta da edo oker dago:

## Tauletako zutabe eta iragazki komunak
col-learner = Ikaslea
col-site = Gunea
col-course = Ikastaroa
col-status = Egoera
col-actions = Ekintzak
col-number = Zenbakia
col-issued = Emate-data
col-standing = Baliozkotasuna
col-when = Noiz
col-who = Nork
col-action = Ekintza
col-object = Objektua
col-detail = Xehetasuna
col-email = Helbide elektronikoa
col-role = Rola
col-desired = Izan beharko luke
col-in-moodle = Moodlen
col-cause = Kausa
col-job = Lana
filter-apply = Iragazi

## Panela

## Matrikulazioak
enrolments-count = { $count ->
    [one] matrikulazio bat
   *[other] { $count } matrikulazio
}
enrolments-holds = Atxikitako edo ezikusitako faktura-lerroak

## Lanak
jobs-title = Lanak
jobs-queued = Ilaran
jobs-running = Exekutatzen
jobs-dead = Geldituta
jobs-mail-queued = Ilarako mezuak
jobs-mail-dead = Geldituta dauden mezuak
jobs-paused-site = { $site } gunea pausan dago
jobs-paused-waiting = { $count ->
    [one] Lan bat dago haren zain.
   *[other] { $count } lan daude haren zain.
}
jobs-fix = Nola konpondu:
jobs-failing = Huts egiten duten lanak
jobs-none-failing = Ez dago huts egiten duen lanik.
jobs-error-and-fix = Errorea eta nola konpondu
jobs-status-dead = Geldituta
jobs-status-retrying = Berriro saiatzen
jobs-retry = Saiatu berriro
jobs-discard = Baztertu
jobs-retry-all = Saiatu berriro geldituta dauden lan guztiekin…
jobs-discard-all = Baztertu geldituta dauden lan guztiak…
jobs-confirm-retry = { $count ->
    [one] Berriro saiatu geldituta dagoen lan batekin?
   *[other] Berriro saiatu geldituta dauden { $count } lanekin?
}
jobs-confirm-discard = { $count ->
    [one] Baztertu geldituta dagoen lan bat?
   *[other] Baztertu geldituta dauden { $count } lan?
}
jobs-confirm = Bai, egin
jobs-cancel = Utzi
jobs-done = { $count ->
    [one] Lan bat eginda.
   *[other] { $count } lan eginda.
}

## Ziurtagiriak
certificates-title = Ziurtagiriak
certificates-none = Oraindik ez dago ziurtagiririk.
certificates-download = Deskargatu
certificates-verify = Egiaztapen-orria
certificates-resend = Bidali berriro
certificates-reissue = Eman berriro
certificates-revoke = Baliogabetu
certificates-revoke-note = Baliogabetzeko arrazoia
certificates-done-revoke = Ziurtagiria baliogabetu da; ikasleari posta elektronikoz jakinarazten zaio.
certificates-done-resend = Ziurtagiriaren mezua berriro dago ilaran.
certificates-done-reissue = Bertsio berri bat eman da, eta aurrekoa ordezten du.
standing-valid = Baliozkoa
standing-revoked = Baliogabetua
standing-superseded = Ordeztua
standing-expired = Iraungita

## Auditoria-erregistroa
audit-title = Auditoria-erregistroa
audit-search = Bilatu
audit-operators = Pertsonek egindakoa
audit-moodle = Moodlen aldatu duguna
audit-none = Oraindik ez dago ezer.

## Erabiltzaileak
users-title = Erabiltzaileak
users-disabled = Desgaituta
users-enabled = Aktibo
users-disable = Desgaitu
users-enable = Gaitu
users-save-role = Gorde rola
users-add = Gehitu erabiltzaile bat
users-add-submit = Gehitu erabiltzailea
users-password = Pasahitza (gutxienez 12 karaktere)
users-error-invalid-email = Hori ez da helbide elektroniko bat.
users-error-email-taken = Badago helbide elektroniko hori duen erabiltzaile bat.
users-error-weak-password = Pasahitza laburregia da: erabili gutxienez 12 karaktere.
users-error-no-such-user = Ez dago halako erabiltzailerik.
users-error-last-admin = Hau da azken administratzaile aktiboa: lehenik, egin beste erabiltzaile bat administratzaile.
users-error-internal = Zerbait gaizki joan da; zerbitzuaren erregistroan ageri da zergatia.

## Bilaketa eta faktura baten historia
search-title = Bilaketa
search-empty-query = Idatzi faktura-zenbaki bat, ikasle baten helbide elektronikoa edo izena, edo ikastaro bat.
search-none = Ez dago ezer “{ $query }” bilaketarekin bat datorrenik.
col-invoice = Faktura
invoice-title = { $number } faktura
invoice-paid = Ordainduta
invoice-unpaid = Ordaindu gabe
invoice-deleted = Fakturazio-sisteman ezabatuta
invoice-problems = Zer dagoen gaizki orain
invoice-timeline = Zer gertatu den
invoice-no-courses = Faktura honek ez du ikastarorik ematen.
invoice-job = { $job } lana
story-seen = Faktura detektatuta
story-paid = Ordainduta
story-learner-matched = Ikaslea bere Moodle-kontuarekin lotuta
story-learner-created = Ikaslearen Moodle-kontua sortuta
story-enrolled = Matrikulatuta
story-suspended = Sarbidea etenda
story-reactivated = Sarbidea berriro aktibatuta
story-updated = Matrikulazioaren datak eguneratuta
story-unenrolled = Matrikulazioa kenduta
story-changed = Moodlen aldatuta
story-change-failed = Moodlek aldaketa bat baztertu du
story-progress = Aurrerapena
story-completed = Ikastaroa amaituta
story-certificate-issued = Ziurtagiria emanda
story-certificate-revoked = Ziurtagiria baliogabetuta
story-emailed = Ziurtagiria posta elektronikoz bidalita

## Plana, desbideratzeak eta guneak
nav-plan = Plana
nav-drift = Desbideratzeak
nav-sites = Moodle guneak
plan-intro = Hurrengo pasaldiak Moodlen zer aldatuko lukeen, eta zergatik. Hemengo ezer ez da egin oraindik.
plan-nothing = Moodle fakturekin bat dator: hurrengo pasaldiak ez du ezer aldatuko.
plan-change-enrol = Matrikulatu
plan-change-update = Eguneratu datak
plan-change-suspend = Eten
plan-change-reactivate = Aktibatu berriro
plan-change-unenrol = Kendu matrikulazioa
drift-intro = Moodlen lotutako ikastaro guztiak irakurtzen ditu orain: eskuz aldatutako matrikulazioak ilaran jartzen dira zuzentzeko, eta fakturarik ordaintzen ez dituen matrikulazioak zerrendatzen dira.
drift-run = Egiaztatu Moodle orain
drift-read = { $courses ->
    [one] Ikastaro bat irakurrita
   *[other] { $courses } ikastaro irakurrita
}
drift-repaired = Moodlen aldatuta, zuzentzen
drift-unexpected = Moodlen dago, baina ez du fakturarik ordaintzen
drift-errors = Irakurri ezin izan diren ikastaroak
sites-url = Helbidea
sites-origin = Non ezartzen den
sites-declared-in-config = config.toml fitxategian adierazita (hemen irakurtzeko soilik)
sites-test = Probatu konexioa

## Webhook-entregak
nav-deliveries = Webhookak
deliveries-none = Oraindik ez da webhook-entregarik jaso.
deliveries-source = Iturria
deliveries-id = Entrega
deliveries-body = Edukia
deliveries-show-body = Erakutsi
deliveries-applied = Aplikatuta
deliveries-waiting = Zain
deliveries-reapply = Aplikatu berriro

## Produktuak eta plazak
nav-mappings = Produktuak
nav-seats = Plazak
mappings-intro = Saldutako produktu bakoitzak zer ikastaro ematen duen. config.toml fitxategian adierazten dira: aldatu han eta berrabiarazi zerbitzua.
mappings-none = Ez dago ikastaro bati lotutako produkturik: ordaindutako fakturek ez dute ezer ematen bat lotu arte.
mappings-product = Produktua
mappings-duration = Sarbidea
mappings-group = Taldea
mappings-days = { $days ->
    [one] egun bat
   *[other] { $days } egun
}
mappings-no-end = Amaierarik gabe
seats-assign = Esleitu plaza bat
seats-line = Lerroa
seats-name = Ikaslearen izena
seats-assign-submit = Esleitu
seats-release = Askatu
seats-none = Ez dago plazarik esleituta.

## Panela
dashboard-all-sites = Gune guztiak
dashboard-from = Noiztik
dashboard-to = Noiz arte
dashboard-card-revenue = Ikastaroen diru-sarrerak
dashboard-card-learners = Ikasle aktiboak
dashboard-card-pending = Zain dauden matrikulazioak
dashboard-card-completions = Amaierak
dashboard-card-certificates = Emandako ziurtagiriak
dashboard-card-jobs-failing = Huts egiten duten lanak
dashboard-card-mails-failing = Huts egiten duten mezuak
dashboard-sources = Fakturen iturriak
dashboard-last-progress = Aurrerapenaren azken irakurketa
dashboard-last-poll = Azken kontsulta arrakastatsua
dashboard-backlog = Zain dauden lanak
dashboard-paused = Pausan
dashboard-reachable = Badabil
dashboard-chart-empty = Ezer ez aldi honetan.
dashboard-chart-enrolments = Matrikulazioak hilabeteka
dashboard-chart-status = Matrikulazioak egoeraren arabera
dashboard-chart-progress = Ikasleak aurrerapenaren arabera
dashboard-chart-completions = Amaierak hilabeteka
dashboard-chart-certificates = Ziurtagiriak hilabeteka
dashboard-chart-top-revenue = Diru-sarrera gehien dituzten ikastaroak
dashboard-chart-top-learners = Ikasle gehien dituzten ikastaroak
dashboard-status-active = Aktibo
dashboard-status-suspended = Etenda
dashboard-status-revoked = Baliogabetua
dashboard-status-removed = Kenduta
dashboard-status-none = Bat ere ez

## Matrikulazioen zerrenda
filter-any = Edozein
enrolments-export = Esportatu dena CSV gisa
enrolments-job-pending = Zain
enrolments-job-failing = Huts egiten
enrolments-job-dead = Geldituta
enrolments-job-settled = Eginda
pagination-label = Orriak
pagination-previous = Aurrekoa
pagination-next = Hurrengoa
pagination-page = { $page }. orria
