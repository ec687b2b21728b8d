# The learners pages of the web admin: the list and one learner's page.

nav-learners = Estudiantes
learners-search-label = Correo o nombre
learners-search = Buscar
learners-count = { $count ->
    [one] un estudiante
   *[other] { $count } estudiantes
}
learners-none = Ningún estudiante coincide.
learners-col-name = Nombre
learners-col-courses = Cursos
learners-col-active = Activos
learners-col-updated = Último cambio
learner-title = Estudiante { $email }
learner-accounts = Cuentas de Moodle
learner-no-accounts = Todavía no tiene cuenta de Moodle.
learner-moodle-id = Id de usuario de Moodle
learner-account-how = Cómo
learner-account-created = Creada por nosotros
learner-account-matched = Cuenta existente asociada
learner-since = Desde
learner-enrolments = Cursos
learner-no-enrolments = Ningún curso.
learner-access = Acceso
learner-progress = Progreso
learner-percent = { $percent } %
learner-completed = completado el { $date }
learner-grade = calificación { $grade }
learner-certificates = Certificados
learner-no-certificates = Ningún certificado.
learner-certificate-revoked = Revocado
learner-invoices = Facturas
learner-no-invoices = Ninguna factura.
learner-history = Cambios en Moodle
learner-no-history = Todavía no se ha cambiado nada en Moodle.
