# L’administració web. Totes les pàgines, etiquetes i missatges que s’hi llegeixen.

## Navegació i marc
nav-skip = Salta al contingut
nav-label = Navegació principal
nav-dashboard = Tauler
nav-enrolments = Inscripcions
nav-jobs = Tasques
nav-certificates = Certificats
nav-audit = Registre d’auditoria
nav-users = Usuaris
search-label = Cerca factures, alumnes i cursos
search-placeholder = Número de factura, adreça electrònica, nom o curs
search-submit = Cerca
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
login-error-csrf = Aquest formulari havia caducat. Torni a iniciar la sessió.
login-error-throttled = Massa intents fallits. Torni-ho a provar d’aquí a { $minutes ->
    [one] un minut
   *[other] { $minutes } minuts
}.
login-no-users = Encara no pot iniciar la sessió ningú. Al servidor, executi: moodle-management user add --role admin el.seu@correu

## Errors
error-internal-title = Alguna cosa ha fallat
error-internal-message = No s’ha pogut generar la pàgina; el registre del servei n’indica el motiu.
error-forbidden-title = No permès
error-forbidden-message = El seu rol no ho permet. Demani-ho a un administrador.
error-csrf-title = Aquest formulari ha caducat
error-csrf-message = Torni enrere, torni a carregar la pàgina i torni-ho a provar.
error-not-found-title = No s’ha trobat
error-not-found-message = No hi ha res en aquesta adreça.
error-bad-request-title = Aquesta sol·licitud no es pot fer
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
col-in-moodle = A Moodle
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
jobs-dead = Aturades
jobs-mail-queued = Correus en cua
jobs-mail-dead = Correus aturats
jobs-paused-site = El lloc { $site } està en pausa
jobs-paused-waiting = { $count ->
    [one] Hi ha una tasca que l’espera.
   *[other] Hi ha { $count } tasques que l’esperen.
}
jobs-fix = Com es resol:
jobs-failing = Tasques amb errors
jobs-none-failing = No hi ha cap tasca amb errors.
jobs-error-and-fix = Error i com resoldre’l
jobs-status-dead = Aturada
jobs-status-retrying = S’està reintentant
jobs-retry = Reintenta
jobs-discard = Descarta
jobs-retry-all = Reintenta totes les tasques aturades…
jobs-discard-all = Descarta totes les tasques aturades…
jobs-confirm-retry = { $count ->
    [one] Reintentar una tasca aturada?
   *[other] Reintentar { $count } tasques aturades?
}
jobs-confirm-discard = { $count ->
    [one] Descartar una tasca aturada?
   *[other] Descartar { $count } tasques aturades?
}
jobs-confirm = Sí, endavant
jobs-cancel = Cancel·la
jobs-done = { $count ->
    [one] Una tasca feta.
   *[other] { $count } tasques fetes.
}

## Certificats
certificates-title = Certificats
certificates-none = Encara no hi ha cap certificat.
certificates-download = Baixa
certificates-verify = Pàgina de verificació
certificates-resend = Torna a enviar
certificates-reissue = Torna a expedir
certificates-revoke = Revoca
certificates-revoke-note = Motiu de la revocació
certificates-done-revoke = S’ha revocat el certificat; s’informa l’alumne per correu electrònic.
certificates-done-resend = El correu del certificat torna a ser a la cua.
certificates-done-reissue = S’ha expedit una nova versió, que substitueix l’anterior.
standing-valid = Vàlid
standing-revoked = Revocat
standing-superseded = Substituït
standing-expired = Caducat

## Registre d’auditoria
audit-title = Registre d’auditoria
audit-search = Cerca
audit-operators = Què han fet les persones
audit-moodle = Què hem canviat a Moodle
audit-none = Encara no hi ha res.

## Usuaris
users-title = Usuaris
users-disabled = Desactivat
users-enabled = Actiu
users-disable = Desactiva
users-enable = Activa
users-save-role = Desa el rol
users-add = Afegeix un usuari
users-add-submit = Afegeix l’usuari
users-password = Contrasenya (12 caràcters com a mínim)
users-error-invalid-email = Això no és una adreça electrònica.
users-error-email-taken = Ja existeix un usuari amb aquesta adreça electrònica.
users-error-weak-password = La contrasenya és massa curta: utilitzi 12 caràcters com a mínim.
users-error-no-such-user = Aquest usuari no existeix.
users-error-last-admin = Aquest és l’últim administrador actiu: primer faci administrador un altre usuari.
users-error-internal = Alguna cosa ha fallat; el registre del servei n’indica el motiu.

## Cerca i història d’una factura
search-title = Cerca
search-empty-query = Escrigui un número de factura, l’adreça electrònica o el nom d’un alumne, o un curs.
search-none = No hi ha cap coincidència amb «{ $query }».
col-invoice = Factura
invoice-title = Factura { $number }
invoice-paid = Pagada
invoice-unpaid = No pagada
invoice-deleted = Suprimida al sistema de facturació
invoice-problems = Què falla ara
invoice-timeline = Què ha passat
invoice-no-courses = Aquesta factura no dona accés a cap curs.
invoice-job = tasca { $job }
story-seen = Factura detectada
story-paid = Pagada
story-learner-matched = Alumne vinculat al seu compte de Moodle
story-learner-created = Compte de Moodle de l’alumne creat
story-enrolled = Inscrit
story-suspended = Accés suspès
story-reactivated = Accés reactivat
story-updated = Dates de la inscripció actualitzades
story-unenrolled = Donat de baixa
story-changed = Modificada a Moodle
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
plan-intro = Què canviaria a Moodle la propera passada, i per què. Encara no s’ha fet res d’això.
plan-nothing = Moodle coincideix amb les factures: la propera passada no canvia res.
plan-change-enrol = Inscriu
plan-change-update = Actualitza les dates
plan-change-suspend = Suspèn
plan-change-reactivate = Reactiva
plan-change-unenrol = Dona de baixa
drift-intro = Llegeix ara a Moodle tots els cursos associats: les inscripcions canviades a mà es posen a la cua per corregir-les i es llisten les inscripcions que cap factura no paga.
drift-run = Comprova Moodle ara
drift-read = { $courses ->
    [one] Un curs llegit
   *[other] { $courses } cursos llegits
}
drift-repaired = Canviades a Moodle, en correcció
drift-unexpected = A Moodle, però cap factura no la paga
drift-errors = Cursos que no s’han pogut llegir
sites-url = Adreça
sites-origin = On es defineix
sites-declared-in-config = Declarat a config.toml (aquí només de lectura)
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
mappings-intro = Quin curs dona cada producte venut. Es declaren a config.toml: canviï’ls allà i reiniciï el servei.
mappings-none = Cap producte no està associat a un curs: les factures pagades no donen accés a res fins que n’hi hagi un.
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
dashboard-chart-empty = No hi ha res en aquest període.
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
enrolments-job-dead = Aturada
enrolments-job-settled = Feta
pagination-label = Pàgines
pagination-previous = Anterior
pagination-next = Següent
pagination-page = Pàgina { $page }
