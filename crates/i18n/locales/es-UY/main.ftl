# Textos de MoodleManagement en español de Uruguay. Las claves son las de locales/en-GB/main.ftl.
# Vocabulario latinoamericano común a es-AR, es-CL, es-CO, es-CR, es-DO, es-EC, es-GT, es-MX,
# es-PA, es-PE y es-UY (trato de usted); los formatos propios del país están en format.ftl.

## Fechas (format_date): "7 de diciembre de 2026"
date-long = { $day } de { $month } de { $year }
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

## Certificado (PDF)
cert-title = Certificado de finalización
cert-certifies-that = Se certifica que
cert-has-completed = ha completado con éxito el curso
cert-hours = { $hours ->
    [one] { $hours } hora de formación
   *[other] { $hours } horas de formación
}
cert-completed-on = Finalizado el
cert-issued-on = Emitido el
cert-valid-until = Válido hasta el
cert-number = Certificado N.º
cert-verify = Verifique la autenticidad de este certificado en

## Correo electrónico
mail-subject = Su certificado del curso { $course }
mail-greeting = Hola, { $name }:
mail-body = Felicitaciones por completar el curso { $course }. Adjuntamos a este correo su certificado, número { $number }.
mail-download = También puede descargarlo desde el siguiente enlace hasta el { $until }.
mail-verify = Cualquier persona con quien lo comparta puede verificar su autenticidad aquí:
mail-signoff =
    Saludos cordiales,
    { $issuer }
mail-superseded = Este certificado reemplaza al anterior, número { $old }.
mail-revoked-subject = Su certificado del curso { $course } fue revocado
mail-revoked-body = Le informamos que el certificado { $number } del curso { $course } fue revocado y ya no es válido. Motivo: { $reason }

## Página pública de verificación
verify-title = Verificación de certificados
verify-status-valid = Este certificado es válido.
verify-status-revoked = Este certificado fue revocado el { $date }. Motivo: { $reason }
verify-status-superseded = Este certificado fue reemplazado por uno más reciente, número { $number }.
verify-status-expired = Este certificado venció el { $date }.
verify-status-unknown = No encontramos ningún certificado con este número. Verifíquelo e intente nuevamente.
verify-field-learner = Otorgado a
verify-field-course = Curso
verify-field-hours = Horas
verify-field-number = Número de certificado
verify-field-completed = Finalizado el
verify-field-issued = Emitido el
verify-field-valid-until = Válido hasta el
verify-field-version = Versión
verify-field-issuer = Emitido por
verify-upload-label = ¿Tiene una copia del PDF? Súbala para verificar que coincide con nuestros registros.
verify-upload-button = Verificar el PDF
verify-upload-identical = El archivo que subió es idéntico al certificado que emitimos.
verify-upload-different = El archivo que subió no coincide con el certificado que emitimos. Es posible que haya sido modificado.
verify-linkedin = Agregar a LinkedIn
verify-credential = Descargar la credencial verificable
verify-signature-ok = La firma digital es válida.
verify-signature-bad = No se pudo verificar la firma digital.
verify-upload-unreadable = No se pudo leer el archivo. Suba el certificado como un único PDF de 5 MB como máximo.
verify-rate-limited = Demasiadas verificaciones desde su conexión. Espere un minuto e intente nuevamente.

## Progreso
progress-lag-note = La finalización la calculan las tareas programadas de Moodle, por lo que puede demorar hasta un ciclo de cron en reflejarse.
verify-field-seal = Sello
