# La administración web (español de Costa Rica). Todas las páginas, etiquetas y mensajes que se leen en ella.

## Navegación y marco
nav-skip = Saltar al contenido
nav-label = Navegación principal
nav-dashboard = Panel
nav-enrolments = Inscripciones
nav-jobs = Trabajos
nav-certificates = Certificados
nav-audit = Registro de auditoría
nav-users = Usuarios
search-label = Buscar facturas, estudiantes y cursos
search-placeholder = Número de factura, correo electrónico, nombre o curso
search-submit = Buscar
sign-out = Cerrar sesión
me-language = Idioma
me-language-save = Cambiar idioma
role-admin = Administrador
role-operator = Operador
role-viewer = Lector

## Inicio de sesión
login-title = Iniciar sesión
login-email = Correo electrónico
login-password = Contraseña
login-submit = Iniciar sesión
login-error-credentials = Correo electrónico o contraseña incorrectos.
login-error-csrf = Este formulario había expirado. Inicie sesión nuevamente.
login-error-throttled = Demasiados intentos fallidos. Intente nuevamente en { $minutes ->
    [one] un minuto
   *[other] { $minutes } minutos
}.
login-no-users = Todavía nadie puede iniciar sesión. En el servidor, ejecute: moodle-management user add --role admin su@correo

## Errores
error-internal-title = Algo salió mal
error-internal-message = No se pudo generar la página; el motivo figura en el registro del servicio.
error-forbidden-title = No permitido
error-forbidden-message = Su rol no permite hacer esto. Consulte a un administrador.
error-csrf-title = Este formulario expiró
error-csrf-message = Regrese, vuelva a cargar la página e intente nuevamente.
error-not-found-title = No encontrado
error-not-found-message = No hay nada en esta dirección.
error-bad-request-title = No se puede realizar esta solicitud
error-bad-request-message = Falta algún dato o hay alguno incorrecto:

## Columnas y filtros comunes de las tablas
col-learner = Estudiante
col-site = Sitio
col-course = Curso
col-status = Estado
col-actions = Acciones
col-number = Número
col-issued = Emitido
col-standing = Vigencia
col-when = Cuándo
col-who = Quién
col-action = Acción
col-object = Objeto
col-detail = Detalle
col-email = Correo electrónico
col-role = Rol
col-desired = Debería ser
col-in-moodle = En Moodle
col-cause = Causa
col-job = Trabajo
filter-apply = Filtrar

## Panel

## Inscripciones
enrolments-count = { $count ->
    [one] una inscripción
   *[other] { $count } inscripciones
}
enrolments-holds = Líneas de factura retenidas o ignoradas

## Trabajos
jobs-title = Trabajos
jobs-queued = En cola
jobs-running = En ejecución
jobs-dead = Detenidos
jobs-mail-queued = Correos en cola
jobs-mail-dead = Correos detenidos
jobs-paused-site = El sitio { $site } está en pausa
jobs-paused-waiting = { $count ->
    [one] Hay un trabajo esperándolo.
   *[other] Hay { $count } trabajos esperándolo.
}
jobs-fix = Cómo solucionarlo:
jobs-failing = Trabajos con errores
jobs-none-failing = No hay ningún trabajo con errores.
jobs-error-and-fix = Error y cómo solucionarlo
jobs-status-dead = Detenido
jobs-status-retrying = Reintentando
jobs-retry = Reintentar
jobs-discard = Descartar
jobs-retry-all = Reintentar todos los trabajos detenidos…
jobs-discard-all = Descartar todos los trabajos detenidos…
jobs-confirm-retry = { $count ->
    [one] ¿Reintentar un trabajo detenido?
   *[other] ¿Reintentar { $count } trabajos detenidos?
}
jobs-confirm-discard = { $count ->
    [one] ¿Descartar un trabajo detenido?
   *[other] ¿Descartar { $count } trabajos detenidos?
}
jobs-confirm = Sí, continuar
jobs-cancel = Cancelar
jobs-done = { $count ->
    [one] Un trabajo completado.
   *[other] { $count } trabajos completados.
}

## Certificados
certificates-title = Certificados
certificates-none = Todavía no hay ningún certificado.
certificates-download = Descargar
certificates-verify = Página de verificación
certificates-resend = Volver a enviar
certificates-reissue = Volver a emitir
certificates-revoke = Revocar
certificates-revoke-note = Motivo de la revocación
certificates-done-revoke = Se revocó el certificado; se le avisa al estudiante por correo electrónico.
certificates-done-resend = El correo del certificado volvió a quedar en cola.
certificates-done-reissue = Se emitió una nueva versión, que reemplaza a la anterior.
standing-valid = Válido
standing-revoked = Revocado
standing-superseded = Reemplazado
standing-expired = Vencido

## Registro de auditoría
audit-title = Registro de auditoría
audit-search = Buscar
audit-operators = Lo que hicieron las personas
audit-moodle = Lo que cambiamos en Moodle
audit-none = Todavía no hay nada.

## Usuarios
users-title = Usuarios
users-disabled = Desactivado
users-enabled = Activo
users-disable = Desactivar
users-enable = Activar
users-save-role = Guardar rol
users-add = Agregar un usuario
users-add-submit = Agregar usuario
users-password = Contraseña (12 caracteres como mínimo)
users-error-invalid-email = No es una dirección de correo electrónico.
users-error-email-taken = Ya existe un usuario con ese correo electrónico.
users-error-weak-password = La contraseña es demasiado corta: use al menos 12 caracteres.
users-error-no-such-user = Ese usuario no existe.
users-error-last-admin = Este es el último administrador activo: primero haga administrador a otro usuario.
users-error-internal = Algo salió mal; el motivo figura en el registro del servicio.

## Búsqueda e historial de una factura
search-title = Búsqueda
search-empty-query = Escriba un número de factura, el correo electrónico o el nombre de un estudiante, o un curso.
search-none = Nada coincide con “{ $query }”.
col-invoice = Factura
invoice-title = Factura { $number }
invoice-paid = Pagada
invoice-unpaid = No pagada
invoice-deleted = Eliminada en el sistema de facturación
invoice-problems = Qué falla ahora
invoice-timeline = Qué pasó
invoice-no-courses = Esta factura no da acceso a ningún curso.
invoice-job = trabajo { $job }
story-seen = Factura detectada
story-paid = Pagada
story-learner-matched = Estudiante vinculado a su cuenta de Moodle
story-learner-created = Cuenta de Moodle del estudiante creada
story-enrolled = Inscrito
story-suspended = Acceso suspendido
story-reactivated = Acceso reactivado
story-updated = Fechas de inscripción actualizadas
story-unenrolled = Dado de baja
story-changed = Modificada en Moodle
story-change-failed = Moodle rechazó un cambio
story-progress = Progreso
story-completed = Curso completado
story-certificate-issued = Certificado emitido
story-certificate-revoked = Certificado revocado
story-emailed = Certificado enviado por correo electrónico

## Plan, desviaciones y sitios
nav-plan = Plan
nav-drift = Desviaciones
nav-sites = Sitios de Moodle
plan-intro = Lo que la próxima pasada cambiaría en Moodle, y por qué. Todavía no se hizo nada de esto.
plan-nothing = Moodle coincide con las facturas: la próxima pasada no cambia nada.
plan-change-enrol = Inscribir
plan-change-update = Actualizar fechas
plan-change-suspend = Suspender
plan-change-reactivate = Reactivar
plan-change-unenrol = Dar de baja
drift-intro = Lee ahora en Moodle todos los cursos asociados: las inscripciones cambiadas a mano quedan en cola para corregirlas y se listan las inscripciones que no paga ninguna factura.
drift-run = Revisar Moodle ahora
drift-read = { $courses ->
    [one] Un curso leído
   *[other] { $courses } cursos leídos
}
drift-repaired = Cambiadas en Moodle, en corrección
drift-unexpected = En Moodle, pero ninguna factura la paga
drift-errors = Cursos que no se pudieron leer
sites-url = Dirección
sites-origin = Dónde se configura
sites-declared-in-config = Declarado en config.toml (aquí es de solo lectura)
sites-test = Probar la conexión

## Entregas de webhooks
nav-deliveries = Webhooks
deliveries-none = Todavía no se recibió ninguna entrega de webhook.
deliveries-source = Origen
deliveries-id = Entrega
deliveries-body = Contenido
deliveries-show-body = Mostrar
deliveries-applied = Aplicada
deliveries-waiting = En espera
deliveries-reapply = Volver a aplicar

## Productos y cupos
nav-mappings = Productos
nav-seats = Cupos
mappings-intro = Qué curso da cada producto vendido. Se declaran en config.toml: cámbielos allí y reinicie el servicio.
mappings-none = No hay ningún producto asociado a un curso: las facturas pagadas no dan acceso a nada hasta que lo haya.
mappings-product = Producto
mappings-duration = Acceso
mappings-group = Grupo
mappings-days = { $days ->
    [one] un día
   *[other] { $days } días
}
mappings-no-end = Sin fecha de fin
seats-assign = Asignar un cupo
seats-line = Línea
seats-name = Nombre del estudiante
seats-assign-submit = Asignar
seats-release = Liberar
seats-none = No hay ningún cupo asignado.

## Panel
dashboard-all-sites = Todos los sitios
dashboard-from = Desde
dashboard-to = Hasta
dashboard-card-revenue = Ingresos por cursos
dashboard-card-learners = Estudiantes activos
dashboard-card-pending = Inscripciones pendientes
dashboard-card-completions = Finalizaciones
dashboard-card-certificates = Certificados emitidos
dashboard-card-jobs-failing = Trabajos con errores
dashboard-card-mails-failing = Correos con errores
dashboard-sources = Orígenes de las facturas
dashboard-last-progress = Última lectura del progreso
dashboard-last-poll = Última consulta exitosa
dashboard-backlog = Trabajos en espera
dashboard-paused = En pausa
dashboard-reachable = Funciona
dashboard-chart-empty = Nada en este período.
dashboard-chart-enrolments = Inscripciones por mes
dashboard-chart-status = Inscripciones por estado
dashboard-chart-progress = Estudiantes por progreso
dashboard-chart-completions = Finalizaciones por mes
dashboard-chart-certificates = Certificados por mes
dashboard-chart-top-revenue = Cursos con más ingresos
dashboard-chart-top-learners = Cursos con más estudiantes
dashboard-status-active = Activa
dashboard-status-suspended = Suspendida
dashboard-status-revoked = Revocada
dashboard-status-removed = Eliminada
dashboard-status-none = Ninguna

## Lista de inscripciones
filter-any = Cualquiera
enrolments-export = Exportar todo en CSV
enrolments-job-pending = En espera
enrolments-job-failing = Con errores
enrolments-job-dead = Detenido
enrolments-job-settled = Listo
pagination-label = Páginas
pagination-previous = Anterior
pagination-next = Siguiente
pagination-page = Página { $page }
