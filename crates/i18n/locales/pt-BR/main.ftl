# Textos do MoodleManagement em português do Brasil. As chaves são as de locales/en-GB/main.ftl.

## Datas (format_date): "7 de dezembro de 2026", "1º de dezembro de 2026"
date-long = { $day ->
    [1] 1º
   *[other] { $day }
} de { $month } de { $year }
month-1 = janeiro
month-2 = fevereiro
month-3 = março
month-4 = abril
month-5 = maio
month-6 = junho
month-7 = julho
month-8 = agosto
month-9 = setembro
month-10 = outubro
month-11 = novembro
month-12 = dezembro

## Certificado (PDF)
cert-title = Certificado de Conclusão
cert-certifies-that = Certificamos que
cert-has-completed = concluiu com êxito o curso
cert-hours = { $hours ->
    [one] { $hours } hora de capacitação
   *[other] { $hours } horas de capacitação
}
cert-completed-on = Concluído em
cert-issued-on = Emitido em
cert-valid-until = Válido até
cert-number = Certificado nº
cert-verify = Confirme a autenticidade deste certificado em

## E-mail
mail-subject = Seu certificado do curso { $course }
mail-greeting = Prezado(a) { $name },
mail-body = Parabéns pela conclusão do curso { $course }. Seu certificado, de número { $number }, está anexado a este e-mail.
mail-download = Você também pode baixá-lo pelo link abaixo até { $until }.
mail-verify = Qualquer pessoa com quem você o compartilhar pode confirmar a autenticidade dele aqui:
mail-signoff =
    Atenciosamente,
    { $issuer }
mail-superseded = Este certificado substitui o certificado { $old }.
mail-revoked-subject = Seu certificado do curso { $course } foi revogado
mail-revoked-body = Informamos que o certificado { $number } do curso { $course } foi revogado e não é mais válido. Motivo: { $reason }

## Página pública de verificação
verify-title = Verificação de certificados
verify-status-valid = Este certificado é válido.
verify-status-revoked = Este certificado foi revogado em { $date }. Motivo: { $reason }
verify-status-superseded = Este certificado foi substituído por um mais recente, de número { $number }.
verify-status-expired = Este certificado expirou em { $date }.
verify-status-unknown = Não encontramos nenhum certificado com este número. Verifique-o e tente novamente.
verify-field-learner = Conferido a
verify-field-course = Curso
verify-field-hours = Horas
verify-field-number = Número do certificado
verify-field-completed = Concluído em
verify-field-issued = Emitido em
verify-field-valid-until = Válido até
verify-field-version = Versão
verify-field-issuer = Emitido por
verify-upload-label = Tem uma cópia do PDF? Envie o arquivo para confirmar que ele corresponde aos nossos registros.
verify-upload-button = Verificar o PDF
verify-upload-identical = O arquivo enviado é idêntico ao certificado que emitimos.
verify-upload-different = O arquivo enviado não corresponde ao certificado que emitimos. Ele pode ter sido alterado.
verify-linkedin = Adicionar ao LinkedIn
verify-credential = Baixar a credencial verificável
verify-signature-ok = A assinatura digital é válida.
verify-signature-bad = Não foi possível verificar a assinatura digital.
verify-upload-unreadable = Não foi possível ler o arquivo. Envie o certificado como um único PDF de no máximo 5 MB.
verify-rate-limited = Muitas verificações a partir da sua conexão. Aguarde um minuto e tente novamente.

## Progresso
progress-lag-note = A conclusão é calculada pelas tarefas agendadas do Moodle, por isso pode haver um atraso de um ciclo do cron.
verify-field-seal = Selo
