# The learners pages of the web admin: the list and one learner's page.

nav-learners = Alumnos
learners-search-label = Correo ou nome
learners-search = Buscar
learners-count = { $count ->
    [one] un alumno
   *[other] { $count } alumnos
}
learners-none = Ningún alumno coincide.
learners-col-name = Nome
learners-col-courses = Cursos
learners-col-active = Activos
learners-col-updated = Último cambio
learner-title = Alumno { $email }
learner-accounts = Contas de Moodle
learner-no-accounts = Aínda non ten conta de Moodle.
learner-moodle-id = Id de usuario de Moodle
learner-account-how = Como
learner-account-created = Creada por nós
learner-account-matched = Conta existente asociada
learner-since = Desde
learner-enrolments = Cursos
learner-no-enrolments = Ningún curso.
learner-access = Acceso
learner-progress = Progreso
learner-percent = { $percent } %
learner-completed = completado o { $date }
learner-grade = cualificación { $grade }
learner-certificates = Certificados
learner-no-certificates = Ningún certificado.
learner-certificate-revoked = Revogado
learner-invoices = Facturas
learner-no-invoices = Ningunha factura.
learner-history = Cambios en Moodle
learner-no-history = Aínda non se cambiou nada en Moodle.
