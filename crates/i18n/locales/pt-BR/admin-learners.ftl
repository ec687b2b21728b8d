# The learners pages of the web admin: the list and one learner's page.

nav-learners = Alunos
learners-search-label = E-mail ou nome
learners-search = Buscar
learners-count = { $count ->
    [one] um aluno
   *[other] { $count } alunos
}
learners-none = Nenhum aluno corresponde.
learners-col-name = Nome
learners-col-courses = Cursos
learners-col-active = Ativos
learners-col-updated = Última alteração
learner-title = Aluno { $email }
learner-accounts = Contas Moodle
learner-no-accounts = Ainda sem conta Moodle.
learner-moodle-id = Id de usuário Moodle
learner-account-how = Como
learner-account-created = Criada por nós
learner-account-matched = Conta existente associada
learner-since = Desde
learner-enrolments = Cursos
learner-no-enrolments = Nenhum curso.
learner-access = Acesso
learner-progress = Progresso
learner-percent = { $percent } %
learner-completed = concluído em { $date }
learner-grade = nota { $grade }
learner-certificates = Certificados
learner-no-certificates = Nenhum certificado.
learner-certificate-revoked = Revogado
learner-invoices = Faturas
learner-no-invoices = Nenhuma fatura.
learner-history = Alterações no Moodle
learner-no-history = Nada foi alterado no Moodle ainda.
