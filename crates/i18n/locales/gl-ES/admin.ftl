# A administración web. Todas as páxinas, etiquetas e mensaxes que se len nela.

## Navegación e marco
nav-skip = Ir ao contido
nav-label = Navegación principal
nav-dashboard = Panel
nav-enrolments = Matrículas
nav-jobs = Tarefas
nav-certificates = Certificados
nav-audit = Rexistro de auditoría
nav-users = Usuarios
search-label = Buscar facturas, alumnos e cursos
search-placeholder = Número de factura, correo electrónico, nome ou curso
search-submit = Buscar
sign-out = Pechar sesión
me-language = Idioma
me-language-save = Cambiar o idioma
role-admin = Administrador
role-operator = Operador
role-viewer = Lector

## Inicio de sesión
login-title = Iniciar sesión
login-email = Correo electrónico
login-password = Contrasinal
login-submit = Iniciar sesión
login-error-credentials = O correo electrónico ou o contrasinal non son correctos.
login-error-csrf = Este formulario caducara. Volva iniciar sesión.
login-error-throttled = Demasiados intentos fallidos. Ténteo de novo dentro de { $minutes ->
    [one] un minuto
   *[other] { $minutes } minutos
}.
login-no-users = Aínda ninguén pode iniciar sesión. No servidor, execute: moodle-management user add --role admin o.seu@correo

## Erros
error-internal-title = Algo fallou
error-internal-message = Non se puido xerar a páxina; o rexistro do servizo indica o motivo.
error-forbidden-title = Non permitido
error-forbidden-message = O seu rol non o permite. Pídallo a un administrador.
error-csrf-title = Este formulario caducou
error-csrf-message = Volva atrás, recargue a páxina e ténteo de novo.
error-not-found-title = Non se atopou
error-not-found-message = Non hai nada neste enderezo.
error-bad-request-title = Non se pode realizar esta solicitude
error-bad-request-message = Falta algún dato ou hai algún incorrecto:

## Columnas e filtros comúns das táboas
col-learner = Alumno
col-site = Sitio
col-course = Curso
col-status = Estado
col-actions = Accións
col-number = Número
col-issued = Expedido
col-standing = Vixencia
col-when = Cando
col-who = Quen
col-action = Acción
col-object = Obxecto
col-detail = Detalle
col-email = Correo electrónico
col-role = Rol
col-desired = Debería ser
col-in-moodle = En Moodle
col-cause = Causa
col-job = Tarefa
filter-apply = Filtrar

## Panel

## Matrículas
enrolments-count = { $count ->
    [one] unha matrícula
   *[other] { $count } matrículas
}
enrolments-holds = Liñas de factura retidas ou ignoradas

## Tarefas
jobs-title = Tarefas
jobs-queued = En cola
jobs-running = En execución
jobs-dead = Detidas
jobs-mail-queued = Correos en cola
jobs-mail-dead = Correos detidos
jobs-paused-site = O sitio { $site } está en pausa
jobs-paused-waiting = { $count ->
    [one] Hai unha tarefa agardando por el.
   *[other] Hai { $count } tarefas agardando por el.
}
jobs-fix = Como solucionalo:
jobs-failing = Tarefas con erros
jobs-none-failing = Non hai ningunha tarefa con erros.
jobs-error-and-fix = Erro e como solucionalo
jobs-status-dead = Detida
jobs-status-retrying = Reintentando
jobs-retry = Reintentar
jobs-discard = Descartar
jobs-retry-all = Reintentar todas as tarefas detidas…
jobs-discard-all = Descartar todas as tarefas detidas…
jobs-confirm-retry = { $count ->
    [one] Reintentar unha tarefa detida?
   *[other] Reintentar { $count } tarefas detidas?
}
jobs-confirm-discard = { $count ->
    [one] Descartar unha tarefa detida?
   *[other] Descartar { $count } tarefas detidas?
}
jobs-confirm = Si, continuar
jobs-cancel = Cancelar
jobs-done = { $count ->
    [one] Unha tarefa feita.
   *[other] { $count } tarefas feitas.
}

## Certificados
certificates-title = Certificados
certificates-none = Aínda non hai ningún certificado.
certificates-download = Descargar
certificates-verify = Páxina de verificación
certificates-resend = Enviar de novo
certificates-reissue = Expedir de novo
certificates-revoke = Revogar
certificates-revoke-note = Motivo da revogación
certificates-done-revoke = Revogouse o certificado; infórmase o alumno por correo electrónico.
certificates-done-resend = O correo do certificado volve estar na cola.
certificates-done-reissue = Expediuse unha nova versión, que substitúe a anterior.
standing-valid = Válido
standing-revoked = Revogado
standing-superseded = Substituído
standing-expired = Caducado

## Rexistro de auditoría
audit-title = Rexistro de auditoría
audit-search = Buscar
audit-operators = O que fixeron as persoas
audit-moodle = O que cambiamos en Moodle
audit-none = Aínda non hai nada.

## Usuarios
users-title = Usuarios
users-disabled = Desactivado
users-enabled = Activo
users-disable = Desactivar
users-enable = Activar
users-save-role = Gardar o rol
users-add = Engadir un usuario
users-add-submit = Engadir usuario
users-password = Contrasinal (polo menos 12 caracteres)
users-error-invalid-email = Iso non é un enderezo de correo electrónico.
users-error-email-taken = Xa existe un usuario con ese correo electrónico.
users-error-weak-password = O contrasinal é demasiado curto: use polo menos 12 caracteres.
users-error-no-such-user = Ese usuario non existe.
users-error-last-admin = Este é o último administrador activo: primeiro converta outro usuario en administrador.
users-error-internal = Algo fallou; o rexistro do servizo indica o motivo.

## Busca e historia dunha factura
search-title = Busca
search-empty-query = Escriba un número de factura, o enderezo electrónico ou o nome dun alumno, ou un curso.
search-none = Nada coincide con «{ $query }».
col-invoice = Factura
invoice-title = Factura { $number }
invoice-paid = Pagada
invoice-unpaid = Non pagada
invoice-deleted = Eliminada no sistema de facturación
invoice-problems = Que falla agora
invoice-timeline = Que pasou
invoice-no-courses = Esta factura non dá acceso a ningún curso.
invoice-job = tarefa { $job }
story-seen = Factura detectada
story-paid = Pagada
story-learner-matched = Alumno vinculado á súa conta de Moodle
story-learner-created = Conta de Moodle do alumno creada
story-enrolled = Matriculado
story-suspended = Acceso suspendido
story-reactivated = Acceso reactivado
story-updated = Datas da matrícula actualizadas
story-unenrolled = Matrícula anulada
story-changed = Modificada en Moodle
story-change-failed = Moodle rexeitou un cambio
story-progress = Progreso
story-completed = Curso completado
story-certificate-issued = Certificado expedido
story-certificate-revoked = Certificado revogado
story-emailed = Certificado enviado por correo electrónico

## Plan, desviacións e sitios
nav-plan = Plan
nav-drift = Desviacións
nav-sites = Sitios de Moodle
plan-intro = O que cambiaría en Moodle a próxima pasada, e por que. Aínda non se fixo nada disto.
plan-nothing = Moodle coincide coas facturas: a próxima pasada non cambia nada.
plan-change-enrol = Matricular
plan-change-update = Actualizar datas
plan-change-suspend = Suspender
plan-change-reactivate = Reactivar
plan-change-unenrol = Anular a matrícula
drift-intro = Le agora en Moodle todos os cursos asociados: as matrículas cambiadas a man póñense na cola para corrixilas e lístanse as matrículas que non paga ningunha factura.
drift-run = Comprobar Moodle agora
drift-read = { $courses ->
    [one] Un curso lido
   *[other] { $courses } cursos lidos
}
drift-repaired = Cambiadas en Moodle, en corrección
drift-unexpected = En Moodle, pero ningunha factura a paga
drift-errors = Cursos que non se puideron ler
sites-url = Enderezo
sites-origin = Onde se define
sites-declared-in-config = Declarado en config.toml (aquí só de lectura)
sites-test = Probar a conexión

## Entregas de webhooks
nav-deliveries = Webhooks
deliveries-none = Aínda non se recibiu ningunha entrega de webhook.
deliveries-source = Orixe
deliveries-id = Entrega
deliveries-body = Contido
deliveries-show-body = Mostrar
deliveries-applied = Aplicada
deliveries-waiting = En espera
deliveries-reapply = Aplicar de novo

## Produtos e prazas
nav-mappings = Produtos
nav-seats = Prazas
mappings-intro = Que curso dá cada produto vendido. Decláranse en config.toml: cámbieos alí e reinicie o servizo.
mappings-none = Ningún produto está asociado a un curso: as facturas pagadas non dan acceso a nada ata que o estea algún.
mappings-product = Produto
mappings-duration = Acceso
mappings-group = Grupo
mappings-days = { $days ->
    [one] un día
   *[other] { $days } días
}
mappings-no-end = Sen data de fin
seats-assign = Asignar unha praza
seats-line = Liña
seats-name = Nome do alumno
seats-assign-submit = Asignar
seats-release = Liberar
seats-none = Non hai ningunha praza asignada.

## Panel
dashboard-all-sites = Todos os sitios
dashboard-from = Desde
dashboard-to = Ata
dashboard-card-revenue = Ingresos por cursos
dashboard-card-learners = Alumnos activos
dashboard-card-pending = Matrículas pendentes
dashboard-card-completions = Finalizacións
dashboard-card-certificates = Certificados expedidos
dashboard-card-jobs-failing = Tarefas con erros
dashboard-card-mails-failing = Correos con erros
dashboard-sources = Orixes das facturas
dashboard-last-progress = Última lectura do progreso
dashboard-last-poll = Última consulta correcta
dashboard-backlog = Tarefas en espera
dashboard-paused = En pausa
dashboard-reachable = Funciona
dashboard-chart-empty = Nada neste período.
dashboard-chart-enrolments = Matrículas por mes
dashboard-chart-status = Matrículas por estado
dashboard-chart-progress = Alumnos por progreso
dashboard-chart-completions = Finalizacións por mes
dashboard-chart-certificates = Certificados por mes
dashboard-chart-top-revenue = Cursos con máis ingresos
dashboard-chart-top-learners = Cursos con máis alumnos
dashboard-status-active = Activa
dashboard-status-suspended = Suspendida
dashboard-status-revoked = Revogada
dashboard-status-removed = Eliminada
dashboard-status-none = Ningunha

## Lista de matrículas
filter-any = Calquera
enrolments-export = Exportar todo en CSV
enrolments-job-pending = En espera
enrolments-job-failing = Con erros
enrolments-job-dead = Detida
enrolments-job-settled = Feita
pagination-label = Páxinas
pagination-previous = Anterior
pagination-next = Seguinte
pagination-page = Páxina { $page }
