# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Detalles (en inglés):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Búsqueda del curso
job-step-read-enrolments = Lectura de las matriculaciones del curso
job-step-enrol = Matriculación
job-step-unenrol = Baja de la matriculación
job-step-find-or-create-group = Búsqueda o creación del grupo `{ $group }`
job-step-join-group = Inclusión del estudiante en un grupo del curso
job-step-look-up-learners = Búsqueda de estudiantes
job-step-look-up-learner = Búsqueda del estudiante
job-step-create-accounts = Creación de las cuentas de los estudiantes
job-step-create-account = Creación de la cuenta del estudiante
job-step-update-email = Cambio del correo de un estudiante

## Errors and their fixes
job-error-site-not-configured = El sitio Moodle `{ $site }` no está configurado.
job-error-site-not-configured-fix = Añada a la configuración un bloque [[moodle]] llamado `{ $site }`.
job-error-course-missing = El curso `{ $course }` no existe en Moodle `{ $site }`.
job-error-course-missing-fix = Corrija la correspondencia o cree el curso en Moodle.
job-error-no-enrol-method = El curso `{ $course }` en Moodle `{ $site }` (id { $course_id }) no tiene activado el método «Matriculación manual».
job-error-no-enrol-method-fix = En el curso, abra Participantes → Métodos de matriculación y active «Matriculación manual»; después reintente el trabajo.
job-error-unknown-role = El rol `{ $role }` es desconocido.
job-error-unknown-role-fix = Use en la correspondencia student, teacher, editingteacher, manager o el id de un rol.
job-error-account-conflict = { $count } cuentas de Moodle en `{ $site }` comparten el correo { $email } (ids de usuario { $user_ids }).
job-error-account-conflict-fix = Fusiónelas, o cambie en Moodle la dirección de todas menos una; después reintente el trabajo.
job-error-email-refused = Moodle `{ $site }` rechazó el nuevo correo del usuario { $user_id }: { $reason }
job-error-email-refused-fix = Corrija la cuenta en Moodle y después reintente el trabajo.
job-error-email-hidden = Moodle `{ $site }` se negó a crear la cuenta de { $email } aunque no se encontró ninguna cuenta con ese correo: { $reason }
job-error-email-hidden-fix = Lo más probable es que el usuario del token no tenga la capacidad moodle/site:viewuseridentity: entonces Moodle le oculta todos los correos y la cuenta existente del estudiante nunca se encuentra. Permítala en el rol del usuario del token (y mantenga email en «Mostrar identidad de usuario»); después reintente el trabajo.
job-error-new-user-not-returned = Moodle no devolvió el nuevo usuario.
job-error-new-user-not-returned-fix = Normalmente nada: el trabajo se reintenta solo. Si quedó detenido tras demasiados intentos, reinténtelo.
job-error-account-not-created = Moodle no creó la cuenta del estudiante.
job-error-account-not-created-fix = Revise la cuenta del estudiante en Moodle y después reintente el trabajo.
job-error-email-not-updated = Moodle no actualizó el correo del estudiante.
job-error-email-not-updated-fix = Revise la cuenta del estudiante en Moodle y después reintente el trabajo.
job-error-learner-not-looked-up = La cuenta de Moodle del estudiante no se buscó en esta ronda.
job-error-learner-not-looked-up-fix = Normalmente nada: el trabajo se reintenta solo. Si quedó detenido tras demasiados intentos, reinténtelo.
job-error-not-sent = Este cambio no se envió a Moodle en esta ronda.
job-error-not-sent-fix = Normalmente nada: el trabajo se reintenta solo. Si quedó detenido tras demasiados intentos, reinténtelo.
job-error-store-failed = Nuestra base de datos falló: { $detail }
job-error-store-failed-fix = Compruebe que la base de datos está accesible y tiene espacio libre. El trabajo se reintenta solo; si quedó detenido, reinténtelo.
job-error-moodle-unreachable = { $step } en Moodle `{ $site }` falló: { $detail }
job-error-moodle-unreachable-fix = Si es pasajero, nada: el trabajo se reintenta con esperas cada vez mayores. Si persiste, compruebe que el sitio funciona y es accesible desde este servidor; después reintente el trabajo detenido.
job-error-moodle-refused = { $step } en Moodle `{ $site }` falló: { $detail }
job-error-moodle-refused-fix = Moodle indica el motivo en el error de arriba: corríjalo en Moodle y después reintente el trabajo.
job-error-group-functions-missing = { $step } en Moodle `{ $site }` falló: { $detail }
job-error-group-functions-missing-fix = Añada las funciones de grupos del curso (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) al servicio externo del token y después reintente el trabajo.
job-error-moodle-misconfigured = { $step } en Moodle `{ $site }` falló: { $detail }
job-error-moodle-misconfigured-fix = Compruebe la URL del sitio en el bloque [[moodle]] y que los servicios web y el protocolo REST están activados en Moodle; después reintente el trabajo.
job-error-moodle-bad-answer = { $step } en Moodle `{ $site }` falló: { $detail }
job-error-moodle-bad-answer-fix = Compruebe que la URL del sitio apunta a la raíz de Moodle (no a una página de acceso, un proxy o una página de mantenimiento); después reintente el trabajo.
