# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Detalles (en inglés):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Busca do curso
job-step-read-enrolments = Lectura das matrículas do curso
job-step-enrol = Matrícula
job-step-unenrol = Baixa da matrícula
job-step-find-or-create-group = Busca ou creación do grupo `{ $group }`
job-step-join-group = Inclusión do alumno nun grupo do curso
job-step-look-up-learners = Busca de alumnos
job-step-look-up-learner = Busca do alumno
job-step-create-accounts = Creación das contas dos alumnos
job-step-create-account = Creación da conta do alumno
job-step-update-email = Cambio do correo dun alumno

## Errors and their fixes
job-error-site-not-configured = O sitio Moodle `{ $site }` non está configurado.
job-error-site-not-configured-fix = Engada á configuración un bloque [[moodle]] chamado `{ $site }`.
job-error-course-missing = O curso `{ $course }` non existe en Moodle `{ $site }`.
job-error-course-missing-fix = Corrixa a correspondencia ou cree o curso en Moodle.
job-error-no-enrol-method = O curso `{ $course }` en Moodle `{ $site }` (id { $course_id }) non ten activado o método «Matrícula manual».
job-error-no-enrol-method-fix = No curso, abra Participantes → Métodos de matrícula e active «Matrícula manual»; despois reintente a tarefa.
job-error-unknown-role = O rol `{ $role }` é descoñecido.
job-error-unknown-role-fix = Use na correspondencia student, teacher, editingteacher, manager ou o id dun rol.
job-error-account-conflict = { $count } contas de Moodle en `{ $site }` comparten o correo { $email } (ids de usuario { $user_ids }).
job-error-account-conflict-fix = Fusióneas, ou cambie en Moodle o enderezo de todas menos unha; despois reintente a tarefa.
job-error-email-refused = Moodle `{ $site }` rexeitou o novo correo do usuario { $user_id }: { $reason }
job-error-email-refused-fix = Corrixa a conta en Moodle e despois reintente a tarefa.
job-error-email-hidden = Moodle `{ $site }` negouse a crear a conta de { $email } aínda que non se atopou ningunha conta con ese correo: { $reason }
job-error-email-hidden-fix = O máis probable é que o usuario do token non teña a capacidade moodle/site:viewuseridentity: entón Moodle agóchalle todos os correos e a conta existente do alumno nunca se atopa. Permítaa no rol do usuario do token (e manteña email en «Mostrar identidade do usuario»); despois reintente a tarefa.
job-error-new-user-not-returned = Moodle non devolveu o novo usuario.
job-error-new-user-not-returned-fix = Normalmente nada: a tarefa reinténtase soa. Se quedou detida tras demasiados intentos, reinténtea.
job-error-account-not-created = Moodle non creou a conta do alumno.
job-error-account-not-created-fix = Revise a conta do alumno en Moodle e despois reintente a tarefa.
job-error-email-not-updated = Moodle non actualizou o correo do alumno.
job-error-email-not-updated-fix = Revise a conta do alumno en Moodle e despois reintente a tarefa.
job-error-learner-not-looked-up = A conta de Moodle do alumno non se buscou nesta rolda.
job-error-learner-not-looked-up-fix = Normalmente nada: a tarefa reinténtase soa. Se quedou detida tras demasiados intentos, reinténtea.
job-error-not-sent = Este cambio non se enviou a Moodle nesta rolda.
job-error-not-sent-fix = Normalmente nada: a tarefa reinténtase soa. Se quedou detida tras demasiados intentos, reinténtea.
job-error-store-failed = A nosa base de datos fallou: { $detail }
job-error-store-failed-fix = Comprobe que a base de datos é accesible e ten espazo libre. A tarefa reinténtase soa; se quedou detida, reinténtea.
job-error-moodle-unreachable = { $step } en Moodle `{ $site }` fallou: { $detail }
job-error-moodle-unreachable-fix = Se é pasaxeiro, nada: a tarefa reinténtase con esperas cada vez maiores. Se persiste, comprobe que o sitio funciona e é accesible desde este servidor; despois reintente a tarefa detida.
job-error-moodle-refused = { $step } en Moodle `{ $site }` fallou: { $detail }
job-error-moodle-refused-fix = Moodle indica o motivo no erro de arriba: corríxao en Moodle e despois reintente a tarefa.
job-error-group-functions-missing = { $step } en Moodle `{ $site }` fallou: { $detail }
job-error-group-functions-missing-fix = Engada as funcións dos grupos do curso (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) ao servizo externo do token e despois reintente a tarefa.
job-error-moodle-misconfigured = { $step } en Moodle `{ $site }` fallou: { $detail }
job-error-moodle-misconfigured-fix = Comprobe o URL do sitio no bloque [[moodle]] e que os servizos web e o protocolo REST están activados en Moodle; despois reintente a tarefa.
job-error-moodle-bad-answer = { $step } en Moodle `{ $site }` fallou: { $detail }
job-error-moodle-bad-answer-fix = Comprobe que o URL do sitio apunta á raíz de Moodle (non a unha páxina de acceso, un proxy ou unha páxina de mantemento); despois reintente a tarefa.
