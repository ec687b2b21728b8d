# MoodleManagement-en testuak euskaraz. Gakoak locales/en-GB/main.ftl fitxategikoak dira.

## Datak (format_date): "2026ko abenduaren 7a"
# Urtearen atzizkia ahoskeraren araberakoa da: kontsonantez amaitzen direnek (bat, bost,
# hamar, hamabost…) "-eko" hartzen dute; beste guztiek "-ko". 2000–2099 tartea zerrendatuta.
# Hilabeteek genitiboa daramate ("abenduaren"), data luzean bakarrik erabiltzen baitira.
date-long = { $year ->
    [2001] { $year }eko
    [2005] { $year }eko
    [2010] { $year }eko
    [2015] { $year }eko
    [2021] { $year }eko
    [2025] { $year }eko
    [2030] { $year }eko
    [2035] { $year }eko
    [2041] { $year }eko
    [2045] { $year }eko
    [2050] { $year }eko
    [2055] { $year }eko
    [2061] { $year }eko
    [2065] { $year }eko
    [2070] { $year }eko
    [2075] { $year }eko
    [2081] { $year }eko
    [2085] { $year }eko
    [2090] { $year }eko
    [2095] { $year }eko
   *[other] { $year }ko
} { $month } { $day }a
month-1 = urtarrilaren
month-2 = otsailaren
month-3 = martxoaren
month-4 = apirilaren
month-5 = maiatzaren
month-6 = ekainaren
month-7 = uztailaren
month-8 = abuztuaren
month-9 = irailaren
month-10 = urriaren
month-11 = azaroaren
month-12 = abenduaren

## Ziurtagiria (PDF)
cert-title = Amaiera-ziurtagiria
cert-certifies-that = Honen bidez ziurtatzen da
cert-has-completed = ikastaro hau arrakastaz amaitu duela:
cert-hours = { $hours } orduko prestakuntza
cert-completed-on = Amaiera-data
cert-issued-on = Emate-data
cert-valid-until = Iraungitze-data
cert-number = Ziurtagiri-zk.
cert-verify = Egiaztatu ziurtagiri honen benetakotasuna helbide honetan:

## Posta elektronikoa
mail-subject = { $course } ikastaroko zure ziurtagiria
mail-greeting = Kaixo, { $name }:
mail-body = Zorionak { $course } ikastaroa amaitzeagatik. Mezu honekin batera doakizu zure ziurtagiria, { $number } zenbakiduna.
mail-download = Beheko estekatik ere deskarga dezakezu, { $until } arte.
mail-verify = Partekatzen duzun edonork egiazta dezake benetakoa dela hemen:
mail-signoff =
    Adeitasunez,
    { $issuer }
mail-superseded = Ziurtagiri honek { $old } zenbakiko ziurtagiria ordezten du.
mail-revoked-subject = { $course } ikastaroko zure ziurtagiria baliogabetu egin da
mail-revoked-body = Jakinarazten dizugu { $course } ikastaroko { $number } ziurtagiria baliogabetu egin dela eta jada ez duela balio. Arrazoia: { $reason }

## Egiaztapen-orri publikoa
verify-title = Ziurtagirien egiaztapena
verify-status-valid = Ziurtagiri hau baliozkoa da.
verify-status-revoked = Ziurtagiri hau baliogabetu egin zen. Data: { $date }. Arrazoia: { $reason }
verify-status-superseded = Ziurtagiri hau berriago batek ordeztu du: { $number } zenbakidunak.
verify-status-expired = Ziurtagiri hau iraungita dago. Iraungitze-data: { $date }.
verify-status-unknown = Ez dugu zenbaki hori duen ziurtagiririk aurkitu. Egiaztatu zenbakia eta saiatu berriro.
verify-field-learner = Jasotzailea
verify-field-course = Ikastaroa
verify-field-hours = Orduak
verify-field-number = Ziurtagiri-zenbakia
verify-field-completed = Amaiera-data
verify-field-issued = Emate-data
verify-field-valid-until = Iraungitze-data
verify-field-version = Bertsioa
verify-field-issuer = Emailea
verify-upload-label = PDFaren kopia bat duzu? Igo ezazu, gure erregistroekin bat datorren egiaztatzeko.
verify-upload-button = Egiaztatu PDFa
verify-upload-identical = Igo duzun fitxategia guk emandako ziurtagiriaren berdin-berdina da.
verify-upload-different = Igo duzun fitxategia ez dator bat guk emandako ziurtagiriarekin. Baliteke aldatuta egotea.
verify-linkedin = Gehitu LinkedInen
verify-credential = Deskargatu kredentzial egiaztagarria
verify-signature-ok = Sinadura digitala baliozkoa da.
verify-signature-bad = Ezin izan da sinadura digitala egiaztatu.
verify-upload-unreadable = Ezin izan da fitxategia irakurri. Igo ziurtagiria PDF bakar gisa, gehienez 5 MB-koa.
verify-rate-limited = Egiaztapen gehiegi zure konexiotik. Itxaron minutu bat eta saiatu berriro.

## Aurrerapena
progress-lag-note = Moodleren programatutako atazek kalkulatzen dute amaiera; beraz, cron-ziklo bateko atzerapena izan dezake.
verify-field-seal = Zigilua
