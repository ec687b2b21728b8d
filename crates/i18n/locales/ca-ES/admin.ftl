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
dashboard-paused-sites = Llocs en pausa

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
