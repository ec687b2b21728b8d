# L’administració web. Totes les pàgines, etiquetes i missatges que s’hi lligen.

## Navegació i marc
nav-skip = Salta al contingut
nav-label = Navegació principal
nav-dashboard = Tauler
nav-enrolments = Inscripcions
nav-jobs = Tasques
nav-certificates = Certificats
nav-audit = Registre d’auditoria
nav-users = Usuaris
search-label = Busca factures, alumnes i cursos
search-placeholder = Número de factura, adreça electrònica, nom o curs
search-submit = Busca
sign-out = Tanca la sessió
me-language = Idioma
me-language-save = Canvia l’idioma
role-admin = Administrador
role-operator = Operador
role-viewer = Lector

## Inici de sessió
login-title = Inicia la sessió
login-email = Adreça electrònica
login-password = Contrasenya
login-submit = Inicia la sessió
login-error-credentials = L’adreça electrònica o la contrasenya no són correctes.
login-error-csrf = Este formulari havia caducat. Torne a iniciar la sessió.
login-error-throttled = Massa intents fallits. Torne-ho a provar d’ací a { $minutes ->
    [one] un minut
   *[other] { $minutes } minuts
}.
login-no-users = Encara no pot iniciar la sessió ningú. Al servidor, execute: moodle-management user add --role admin el.seu@correu

## Errors
error-internal-title = Alguna cosa ha fallat
error-internal-message = No s’ha pogut generar la pàgina; el registre del servei n’indica el motiu.
error-forbidden-title = No permés
error-forbidden-message = El seu rol no ho permet. Demane-ho a un administrador.
error-csrf-title = Este formulari ha caducat
error-csrf-message = Torne arrere, torne a carregar la pàgina i torne-ho a provar.
error-not-found-title = No s’ha trobat
error-not-found-message = No hi ha res en esta adreça.
error-bad-request-title = Esta sol·licitud no es pot fer
error-bad-request-message = Hi falta alguna dada o n’hi ha alguna d’incorrecta:

## Columnes i filtres comuns de les taules
col-learner = Alumne
col-site = Lloc
col-course = Curs
col-status = Estat
col-actions = Accions
col-number = Número
col-issued = Expedit
col-standing = Vigència
col-when = Quan
col-who = Qui
col-action = Acció
col-object = Objecte
col-detail = Detall
col-email = Adreça electrònica
col-role = Rol
col-desired = Hauria de ser
col-in-moodle = En Moodle
col-cause = Causa
col-job = Tasca
filter-apply = Filtra

## Tauler

## Inscripcions
enrolments-count = { $count ->
    [one] una inscripció
   *[other] { $count } inscripcions
}
enrolments-holds = Línies de factura retingudes o ignorades

## Tasques
jobs-title = Tasques
jobs-queued = En cua
jobs-running = En execució
jobs-dead = Parades
jobs-mail-queued = Correus en cua
jobs-mail-dead = Correus parats
jobs-paused-site = El lloc { $site } està en pausa
jobs-paused-waiting = { $count ->
    [one] Hi ha una tasca que l’espera.
   *[other] Hi ha { $count } tasques que l’esperen.
}
jobs-fix = Com es resol:
jobs-failing = Tasques amb errors
jobs-none-failing = No hi ha cap tasca amb errors.
jobs-error-and-fix = Error i com resoldre’l
jobs-status-dead = Parada
jobs-status-retrying = S’està reintentant
jobs-retry = Reintenta
jobs-discard = Descarta
jobs-retry-all = Reintenta totes les tasques parades…
jobs-discard-all = Descarta totes les tasques parades…
jobs-confirm-retry = { $count ->
    [one] Reintentar una tasca parada?
   *[other] Reintentar { $count } tasques parades?
}
jobs-confirm-discard = { $count ->
    [one] Descartar una tasca parada?
   *[other] Descartar { $count } tasques parades?
}
jobs-confirm = Sí, avant
jobs-cancel = Cancel·la
jobs-done = { $count ->
    [one] Una tasca feta.
   *[other] { $count } tasques fetes.
}

## Certificats
certificates-title = Certificats
certificates-none = Encara no hi ha cap certificat.
certificates-download = Descarrega
certificates-verify = Pàgina de verificació
certificates-resend = Torna a enviar
certificates-reissue = Torna a expedir
certificates-revoke = Revoca
certificates-revoke-note = Motiu de la revocació
certificates-done-revoke = S’ha revocat el certificat; s’informa l’alumne per correu electrònic.
certificates-done-resend = El correu del certificat torna a estar en la cua.
certificates-done-reissue = S’ha expedit una nova versió, que substituïx l’anterior.
standing-valid = Vàlid
standing-revoked = Revocat
standing-superseded = Substituït
standing-expired = Caducat

## Registre d’auditoria
audit-title = Registre d’auditoria
audit-search = Busca
audit-operators = Què han fet les persones
audit-moodle = Què hem canviat en Moodle
audit-none = Encara no hi ha res.

## Usuaris
users-title = Usuaris
users-disabled = Desactivat
users-enabled = Actiu
users-disable = Desactiva
users-enable = Activa
users-save-role = Guarda el rol
users-add = Afig un usuari
users-add-submit = Afig l’usuari
users-password = Contrasenya (12 caràcters com a mínim)
users-error-invalid-email = Això no és una adreça electrònica.
users-error-email-taken = Ja existix un usuari amb esta adreça electrònica.
users-error-weak-password = La contrasenya és massa curta: utilitze 12 caràcters com a mínim.
users-error-no-such-user = Este usuari no existix.
users-error-last-admin = Este és l’últim administrador actiu: primer faça administrador un altre usuari.
users-error-internal = Alguna cosa ha fallat; el registre del servei n’indica el motiu.

## Busca i història d’una factura
search-title = Busca
search-empty-query = Escriga un número de factura, l’adreça electrònica o el nom d’un alumne, o un curs.
search-none = No hi ha cap coincidència amb «{ $query }».
col-invoice = Factura
invoice-title = Factura { $number }
invoice-paid = Pagada
invoice-unpaid = No pagada
invoice-deleted = Suprimida en el sistema de facturació
invoice-problems = Què falla ara
invoice-timeline = Què ha passat
invoice-no-courses = Esta factura no dona accés a cap curs.
invoice-job = tasca { $job }
story-seen = Factura detectada
story-paid = Pagada
story-learner-matched = Alumne vinculat al seu compte de Moodle
story-learner-created = Compte de Moodle de l’alumne creat
story-enrolled = Inscrit
story-suspended = Accés suspés
story-reactivated = Accés reactivat
story-updated = Dates de la inscripció actualitzades
story-unenrolled = Donat de baixa
story-changed = Modificada en Moodle
story-change-failed = Moodle ha rebutjat un canvi
story-progress = Progrés
story-completed = Curs completat
story-certificate-issued = Certificat expedit
story-certificate-revoked = Certificat revocat
story-emailed = Certificat enviat per correu electrònic

## Pla, desviacions i llocs
nav-plan = Pla
nav-drift = Desviacions
nav-sites = Llocs Moodle
plan-intro = Què canviaria en Moodle la pròxima passada, i per què. Encara no s’ha fet res d’això.
plan-nothing = Moodle coincidix amb les factures: la pròxima passada no canvia res.
plan-change-enrol = Inscriu
plan-change-update = Actualitza les dates
plan-change-suspend = Suspén
plan-change-reactivate = Reactiva
plan-change-unenrol = Dona de baixa
drift-intro = Llig ara en Moodle tots els cursos associats: les inscripcions canviades a mà es posen en la cua per a corregir-les i es llisten les inscripcions que cap factura no paga.
drift-run = Comprova Moodle ara
drift-read = { $courses ->
    [one] Un curs llegit
   *[other] { $courses } cursos llegits
}
drift-repaired = Canviades en Moodle, en correcció
drift-unexpected = En Moodle, però cap factura no la paga
drift-errors = Cursos que no s’han pogut llegir
sites-url = Adreça
sites-origin = On es definix
sites-declared-in-config = Declarat en config.toml (ací només de lectura)
sites-test = Prova la connexió

## Lliuraments de webhooks
nav-deliveries = Webhooks
deliveries-none = Encara no s’ha rebut cap lliurament de webhook.
deliveries-source = Origen
deliveries-id = Lliurament
deliveries-body = Contingut
deliveries-show-body = Mostra
deliveries-applied = Aplicat
deliveries-waiting = En espera
deliveries-reapply = Torna a aplicar

## Productes i places
nav-mappings = Productes
nav-seats = Places
mappings-intro = Quin curs dona cada producte venut. Es declaren en config.toml: canvie’ls allí i reinicie el servei.
mappings-none = Cap producte no està associat a un curs: les factures pagades no donen accés a res fins que n’hi haja un.
mappings-product = Producte
mappings-duration = Accés
mappings-group = Grup
mappings-days = { $days ->
    [one] un dia
   *[other] { $days } dies
}
mappings-no-end = Sense data de fi
seats-assign = Assigna una plaça
seats-line = Línia
seats-name = Nom de l’alumne
seats-assign-submit = Assigna
seats-release = Allibera
seats-none = No hi ha cap plaça assignada.

## Tauler
dashboard-all-sites = Tots els llocs
dashboard-from = Des de
dashboard-to = Fins a
dashboard-card-revenue = Ingressos per cursos
dashboard-card-learners = Alumnes actius
dashboard-card-pending = Inscripcions pendents
dashboard-card-completions = Finalitzacions
dashboard-card-certificates = Certificats expedits
dashboard-card-jobs-failing = Tasques amb errors
dashboard-card-mails-failing = Correus amb errors
dashboard-sources = Orígens de les factures
dashboard-last-progress = Última lectura del progrés
dashboard-last-poll = Última consulta correcta
dashboard-backlog = Tasques en espera
dashboard-paused = En pausa
dashboard-reachable = Funciona
dashboard-chart-empty = No hi ha res en este període.
dashboard-chart-enrolments = Inscripcions per mes
dashboard-chart-status = Inscripcions per estat
dashboard-chart-progress = Alumnes per progrés
dashboard-chart-completions = Finalitzacions per mes
dashboard-chart-certificates = Certificats per mes
dashboard-chart-top-revenue = Cursos amb més ingressos
dashboard-chart-top-learners = Cursos amb més alumnes
dashboard-status-active = Activa
dashboard-status-suspended = Suspesa
dashboard-status-revoked = Revocada
dashboard-status-removed = Eliminada
dashboard-status-none = Cap

## Llista d’inscripcions
filter-any = Qualsevol
enrolments-export = Exporta-ho tot en CSV
enrolments-job-pending = En espera
enrolments-job-failing = Amb errors
enrolments-job-dead = Parada
enrolments-job-settled = Feta
pagination-label = Pàgines
pagination-previous = Anterior
pagination-next = Següent
pagination-page = Pàgina { $page }
