# Textos de MoodleManagement en galego. As claves son as de locales/en-GB/main.ftl.

## Datas (format_date): "7 de decembro de 2026"
date-long = { $day } de { $month } de { $year }
month-1 = xaneiro
month-2 = febreiro
month-3 = marzo
month-4 = abril
month-5 = maio
month-6 = xuño
month-7 = xullo
month-8 = agosto
month-9 = setembro
month-10 = outubro
month-11 = novembro
month-12 = decembro

## Certificado (PDF)
cert-title = Certificado de finalización
cert-certifies-that = Certifícase que
cert-has-completed = completou con éxito o curso
cert-hours = { $hours ->
    [one] { $hours } hora de formación
   *[other] { $hours } horas de formación
}
cert-completed-on = Finalizado o
cert-issued-on = Expedido o
cert-valid-until = Válido ata o
cert-number = Certificado n.º
cert-verify = Comprobe a autenticidade deste certificado en

## Correo electrónico
mail-subject = O seu certificado do curso { $course }
mail-greeting = Ola, { $name }:
mail-body = Parabéns por completar o curso { $course }. Achegámoslle o seu certificado, co número { $number }.
mail-download = Tamén pode descargalo desde a seguinte ligazón ata o { $until }.
mail-verify = Calquera persoa coa que o comparta pode comprobar a súa autenticidade aquí:
mail-signoff =
    Un cordial saúdo,
    { $issuer }
mail-superseded = Este certificado substitúe o anterior, co número { $old }.
mail-revoked-subject = O seu certificado do curso { $course } foi revogado
mail-revoked-body = Comunicámoslle que o certificado { $number } do curso { $course } foi revogado e xa non é válido. Motivo: { $reason }

## Páxina pública de verificación
verify-title = Verificación de certificados
verify-status-valid = Este certificado é válido.
verify-status-revoked = Este certificado foi revogado o { $date }. Motivo: { $reason }
verify-status-superseded = Este certificado foi substituído por outro máis recente, co número { $number }.
verify-status-expired = Este certificado caducou o { $date }.
verify-status-unknown = Non atopamos ningún certificado con este número. Compróbeo e ténteo de novo.
verify-field-learner = Outorgado a
verify-field-course = Curso
verify-field-hours = Horas
verify-field-number = Número de certificado
verify-field-completed = Finalizado o
verify-field-issued = Expedido o
verify-field-valid-until = Válido ata o
verify-field-version = Versión
verify-field-issuer = Emitido por
verify-upload-label = Ten unha copia do PDF? Súbaa para comprobar que coincide co noso rexistro.
verify-upload-button = Comprobar o PDF
verify-upload-identical = O ficheiro que subiu é idéntico ao certificado que emitimos.
verify-upload-different = O ficheiro que subiu non coincide co certificado que emitimos. É posible que se modificase.
verify-linkedin = Engadir a LinkedIn
verify-credential = Descargar a credencial verificable
verify-signature-ok = A sinatura dixital é válida.
verify-signature-bad = Non se puido verificar a sinatura dixital.
verify-upload-unreadable = Non se puido ler o ficheiro. Suba o certificado como un único PDF de 5 MB como máximo.
verify-rate-limited = Demasiadas comprobacións desde a súa conexión. Agarde un minuto e ténteo de novo.

## Progreso
progress-lag-note = A finalización calcúlana as tarefas programadas de Moodle, polo que pode ter un atraso dun ciclo de cron.
verify-field-seal = Selo
