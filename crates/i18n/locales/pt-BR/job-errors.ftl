# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Detalhes (em inglês):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Busca do curso
job-step-read-enrolments = Leitura das inscrições do curso
job-step-enrol = Inscrição
job-step-unenrol = Cancelamento da inscrição
job-step-find-or-create-group = Busca ou criação do grupo `{ $group }`
job-step-join-group = Inclusão do aluno em um grupo do curso
job-step-look-up-learners = Busca de alunos
job-step-look-up-learner = Busca do aluno
job-step-create-accounts = Criação das contas dos alunos
job-step-create-account = Criação da conta do aluno
job-step-update-email = Alteração do e-mail de um aluno

## Errors and their fixes
job-error-site-not-configured = O site Moodle `{ $site }` não está configurado.
job-error-site-not-configured-fix = Adicione à configuração um bloco [[moodle]] chamado `{ $site }`.
job-error-course-missing = O curso `{ $course }` não existe no Moodle `{ $site }`.
job-error-course-missing-fix = Corrija o mapeamento ou crie o curso no Moodle.
job-error-no-enrol-method = O curso `{ $course }` no Moodle `{ $site }` (id { $course_id }) não tem o método "Inscrições manuais" ativado.
job-error-no-enrol-method-fix = No curso, abra Participantes → Métodos de inscrição e ative "Inscrições manuais"; depois tente a tarefa novamente.
job-error-unknown-role = O papel `{ $role }` é desconhecido.
job-error-unknown-role-fix = Use no mapeamento student, teacher, editingteacher, manager ou o id de um papel.
job-error-account-conflict = { $count } contas Moodle em `{ $site }` compartilham o e-mail { $email } (ids de usuário { $user_ids }).
job-error-account-conflict-fix = Mescle-as, ou altere no Moodle o endereço de todas menos uma; depois tente a tarefa novamente.
job-error-email-refused = O Moodle `{ $site }` recusou o novo e-mail do usuário { $user_id }: { $reason }
job-error-email-refused-fix = Corrija a conta no Moodle e depois tente a tarefa novamente.
job-error-email-hidden = O Moodle `{ $site }` se recusou a criar a conta de { $email } embora nenhuma conta com esse e-mail tenha sido encontrada: { $reason }
job-error-email-hidden-fix = Provavelmente o usuário do token não tem a permissão moodle/site:viewuseridentity: então o Moodle esconde dele todos os e-mails e a conta existente do aluno nunca é encontrada. Permita-a no papel do usuário do token (e mantenha email em "Mostrar identidade do usuário"); depois tente a tarefa novamente.
job-error-new-user-not-returned = O Moodle não retornou o novo usuário.
job-error-new-user-not-returned-fix = Normalmente nada: a tarefa é repetida automaticamente. Se ficou parada após tentativas demais, tente-a novamente.
job-error-account-not-created = O Moodle não criou a conta do aluno.
job-error-account-not-created-fix = Verifique a conta do aluno no Moodle e depois tente a tarefa novamente.
job-error-email-not-updated = O Moodle não atualizou o e-mail do aluno.
job-error-email-not-updated-fix = Verifique a conta do aluno no Moodle e depois tente a tarefa novamente.
job-error-learner-not-looked-up = A conta Moodle do aluno não foi buscada nesta rodada.
job-error-learner-not-looked-up-fix = Normalmente nada: a tarefa é repetida automaticamente. Se ficou parada após tentativas demais, tente-a novamente.
job-error-not-sent = Esta alteração não foi enviada ao Moodle nesta rodada.
job-error-not-sent-fix = Normalmente nada: a tarefa é repetida automaticamente. Se ficou parada após tentativas demais, tente-a novamente.
job-error-store-failed = Nosso banco de dados falhou: { $detail }
job-error-store-failed-fix = Verifique se o banco de dados está acessível e tem espaço livre. A tarefa é repetida automaticamente; se ficou parada, tente-a novamente.
job-error-moodle-unreachable = { $step } no Moodle `{ $site }` falhou: { $detail }
job-error-moodle-unreachable-fix = Se for passageiro, nada: a tarefa é repetida com intervalos cada vez maiores. Se persistir, verifique se o site está no ar e acessível a partir deste servidor; depois tente novamente a tarefa parada.
job-error-moodle-refused = { $step } no Moodle `{ $site }` falhou: { $detail }
job-error-moodle-refused-fix = O Moodle informa o motivo no erro acima: corrija-o no Moodle e depois tente a tarefa novamente.
job-error-group-functions-missing = { $step } no Moodle `{ $site }` falhou: { $detail }
job-error-group-functions-missing-fix = Adicione as funções de grupos do curso (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) ao serviço externo do token e depois tente a tarefa novamente.
job-error-moodle-misconfigured = { $step } no Moodle `{ $site }` falhou: { $detail }
job-error-moodle-misconfigured-fix = Verifique a URL do site no bloco [[moodle]] e se os serviços web e o protocolo REST estão ativados no Moodle; depois tente a tarefa novamente.
job-error-moodle-bad-answer = { $step } no Moodle `{ $site }` falhou: { $detail }
job-error-moodle-bad-answer-fix = Verifique se a URL do site aponta para a raiz do Moodle (e não para uma página de login, um proxy ou uma página de manutenção); depois tente a tarefa novamente.
