# Textos do MoodleManagement em português europeu. As chaves são as de locales/en-GB/main.ftl.

## Datas (format_date): "7 de dezembro de 2026"
date-long = { $day } de { $month } de { $year }
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
cert-certifies-that = Certifica-se que
cert-has-completed = concluiu com aproveitamento o curso
cert-hours = { $hours ->
    [one] { $hours } hora de formação
   *[other] { $hours } horas de formação
}
cert-completed-on = Concluído em
cert-issued-on = Emitido em
cert-valid-until = Válido até
cert-number = Certificado n.º
cert-verify = Confirme a autenticidade deste certificado em

## Email
mail-subject = O seu certificado do curso { $course }
mail-greeting = Caro(a) { $name },
mail-body = Parabéns por ter concluído o curso { $course }. Enviamos em anexo o seu certificado, com o número { $number }.
mail-download = Também o pode descarregar através da ligação abaixo até { $until }.
mail-verify = Qualquer pessoa com quem o partilhe pode confirmar a sua autenticidade aqui:
mail-signoff =
    Com os melhores cumprimentos,
    { $issuer }
mail-superseded = Este certificado substitui o certificado { $old }.
mail-revoked-subject = O seu certificado do curso { $course } foi revogado
mail-revoked-body = Informamos que o certificado { $number } do curso { $course } foi revogado e deixou de ser válido. Motivo: { $reason }

## Página pública de verificação
verify-title = Verificação de certificados
verify-status-valid = Este certificado é válido.
verify-status-revoked = Este certificado foi revogado em { $date }. Motivo: { $reason }
verify-status-superseded = Este certificado foi substituído por um mais recente, com o número { $number }.
verify-status-expired = Este certificado expirou em { $date }.
verify-status-unknown = Não encontrámos nenhum certificado com este número. Verifique-o e tente novamente.
verify-field-learner = Atribuído a
verify-field-course = Curso
verify-field-hours = Horas
verify-field-number = Número do certificado
verify-field-completed = Concluído em
verify-field-issued = Emitido em
verify-field-valid-until = Válido até
verify-field-version = Versão
verify-field-issuer = Emitido por
verify-upload-label = Tem uma cópia do PDF? Carregue-a para confirmar que corresponde aos nossos registos.
verify-upload-button = Verificar o PDF
verify-upload-identical = O ficheiro que carregou é idêntico ao certificado que emitimos.
verify-upload-different = O ficheiro que carregou não corresponde ao certificado que emitimos. Pode ter sido alterado.
verify-linkedin = Adicionar ao LinkedIn
verify-credential = Descarregar a credencial verificável
verify-signature-ok = A assinatura digital é válida.
verify-signature-bad = Não foi possível verificar a assinatura digital.
verify-upload-unreadable = Não foi possível ler o ficheiro. Carregue o certificado como um único PDF com 5 MB no máximo.
verify-rate-limited = Demasiadas verificações a partir da sua ligação. Aguarde um minuto e tente novamente.

## Progresso
progress-lag-note = A conclusão é calculada pelas tarefas agendadas do Moodle, pelo que pode ter um atraso de um ciclo do cron.
verify-field-seal = Selo
