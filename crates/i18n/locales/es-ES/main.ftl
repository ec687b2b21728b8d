# Textos de MoodleManagement en español de España. Las claves son las de locales/en-GB/main.ftl.

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
cert-issued-on = Expedido el
cert-valid-until = Válido hasta el
cert-number = Certificado n.º
cert-verify = Compruebe la autenticidad de este certificado en

## Correo electrónico
mail-subject = Su certificado del curso { $course }
mail-greeting = Hola, { $name }:
mail-body = Enhorabuena por completar el curso { $course }. Le adjuntamos su certificado, con el número { $number }.
mail-download = También puede descargarlo desde el enlace siguiente hasta el { $until }.
mail-verify = Cualquier persona con quien lo comparta puede comprobar su autenticidad aquí:
mail-signoff =
    Un cordial saludo,
    { $issuer }
mail-superseded = Este certificado sustituye al anterior, con el número { $old }.
mail-revoked-subject = Su certificado del curso { $course } ha sido revocado
mail-revoked-body = Le informamos de que el certificado { $number } del curso { $course } ha sido revocado y ya no es válido. Motivo: { $reason }

## Página pública de verificación
verify-title = Verificación de certificados
verify-status-valid = Este certificado es válido.
verify-status-revoked = Este certificado fue revocado el { $date }. Motivo: { $reason }
verify-status-superseded = Este certificado ha sido sustituido por otro más reciente, con el número { $number }.
verify-status-expired = Este certificado caducó el { $date }.
verify-status-unknown = No hemos encontrado ningún certificado con este número. Compruébelo e inténtelo de nuevo.
verify-field-learner = Otorgado a
verify-field-course = Curso
verify-field-hours = Horas
verify-field-number = Número de certificado
verify-field-completed = Finalizado el
verify-field-issued = Expedido el
verify-field-valid-until = Válido hasta el
verify-field-version = Versión
verify-field-issuer = Emitido por
verify-upload-label = ¿Tiene una copia del PDF? Súbala para comprobar que coincide con nuestro registro.
verify-upload-button = Comprobar el PDF
verify-upload-identical = El archivo que ha subido es idéntico al certificado que emitimos.
verify-upload-different = El archivo que ha subido no coincide con el certificado que emitimos. Es posible que se haya modificado.
verify-linkedin = Añadir a LinkedIn
verify-credential = Descargar la credencial verificable
verify-signature-ok = La firma digital es válida.
verify-signature-bad = No se ha podido verificar la firma digital.
verify-upload-unreadable = No se ha podido leer el archivo. Suba el certificado como un único PDF de 5 MB como máximo.
verify-rate-limited = Demasiadas comprobaciones desde su conexión. Espere un minuto y vuelva a intentarlo.

## Progreso
progress-lag-note = La finalización la calculan las tareas programadas de Moodle, así que puede tardar hasta un ciclo de cron en reflejarse.
verify-field-seal = Sello
