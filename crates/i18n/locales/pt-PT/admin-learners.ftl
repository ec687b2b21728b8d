# The learners pages of the web admin: the list and one learner's page.

nav-learners = Formandos
learners-search-label = E-mail ou nome
learners-search = Pesquisar
learners-count = { $count ->
    [one] um formando
   *[other] { $count } formandos
}
learners-none = Nenhum formando corresponde.
learners-col-name = Nome
learners-col-courses = Disciplinas
learners-col-active = Ativas
learners-col-updated = Última alteração
learner-title = Formando { $email }
learner-accounts = Contas Moodle
learner-no-accounts = Ainda sem conta Moodle.
learner-moodle-id = Id de utilizador Moodle
learner-account-how = Como
learner-account-created = Criada por nós
learner-account-matched = Conta existente associada
learner-since = Desde
learner-enrolments = Disciplinas
learner-no-enrolments = Nenhuma disciplina.
learner-access = Acesso
learner-progress = Progresso
learner-percent = { $percent } %
learner-completed = concluída em { $date }
learner-grade = nota { $grade }
learner-certificates = Certificados
learner-no-certificates = Nenhum certificado.
learner-certificate-revoked = Revogado
learner-invoices = Faturas
learner-no-invoices = Nenhuma fatura.
learner-history = Alterações no Moodle
learner-no-history = Ainda nada foi alterado no Moodle.
