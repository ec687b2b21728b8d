# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Detalhes (em inglês):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Pesquisa da disciplina
job-step-read-enrolments = Leitura das inscrições da disciplina
job-step-enrol = Inscrição
job-step-unenrol = Anulação da inscrição
job-step-find-or-create-group = Pesquisa ou criação do grupo `{ $group }`
job-step-join-group = Inclusão do formando num grupo da disciplina
job-step-look-up-learners = Pesquisa de formandos
job-step-look-up-learner = Pesquisa do formando
job-step-create-accounts = Criação das contas dos formandos
job-step-create-account = Criação da conta do formando
job-step-update-email = Alteração do e-mail de um formando

## Errors and their fixes
job-error-site-not-configured = O site Moodle `{ $site }` não está configurado.
job-error-site-not-configured-fix = Acrescente à configuração um bloco [[moodle]] chamado `{ $site }`.
job-error-course-missing = A disciplina `{ $course }` não existe no Moodle `{ $site }`.
job-error-course-missing-fix = Corrija a correspondência ou crie a disciplina no Moodle.
job-error-no-enrol-method = A disciplina `{ $course }` no Moodle `{ $site }` (id { $course_id }) não tem o método «Inscrição manual» ativo.
job-error-no-enrol-method-fix = Na disciplina, abra Participantes → Métodos de inscrição e ative «Inscrição manual»; depois tente a tarefa novamente.
job-error-unknown-role = O papel `{ $role }` é desconhecido.
job-error-unknown-role-fix = Use na correspondência student, teacher, editingteacher, manager ou o id de um papel.
job-error-account-conflict = { $count } contas Moodle em `{ $site }` partilham o e-mail { $email } (ids de utilizador { $user_ids }).
job-error-account-conflict-fix = Junte-as, ou altere no Moodle o endereço de todas menos uma; depois tente a tarefa novamente.
job-error-email-refused = O Moodle `{ $site }` recusou o novo e-mail do utilizador { $user_id }: { $reason }
job-error-email-refused-fix = Corrija a conta no Moodle e depois tente a tarefa novamente.
job-error-email-hidden = O Moodle `{ $site }` recusou criar a conta de { $email } embora não tenha sido encontrada nenhuma conta com esse e-mail: { $reason }
job-error-email-hidden-fix = O mais provável é que o utilizador do token não tenha a permissão moodle/site:viewuseridentity: o Moodle esconde-lhe então todos os e-mails e a conta existente do formando nunca é encontrada. Permita-a no papel do utilizador do token (e mantenha email em «Mostrar identidade do utilizador»); depois tente a tarefa novamente.
job-error-new-user-not-returned = O Moodle não devolveu o novo utilizador.
job-error-new-user-not-returned-fix = Normalmente nada: a tarefa é repetida automaticamente. Se ficou parada após demasiadas tentativas, tente-a novamente.
job-error-account-not-created = O Moodle não criou a conta do formando.
job-error-account-not-created-fix = Verifique a conta do formando no Moodle e depois tente a tarefa novamente.
job-error-email-not-updated = O Moodle não atualizou o e-mail do formando.
job-error-email-not-updated-fix = Verifique a conta do formando no Moodle e depois tente a tarefa novamente.
job-error-learner-not-looked-up = A conta Moodle do formando não foi pesquisada nesta ronda.
job-error-learner-not-looked-up-fix = Normalmente nada: a tarefa é repetida automaticamente. Se ficou parada após demasiadas tentativas, tente-a novamente.
job-error-not-sent = Esta alteração não foi enviada ao Moodle nesta ronda.
job-error-not-sent-fix = Normalmente nada: a tarefa é repetida automaticamente. Se ficou parada após demasiadas tentativas, tente-a novamente.
job-error-store-failed = A nossa base de dados falhou: { $detail }
job-error-store-failed-fix = Verifique se a base de dados está acessível e tem espaço livre. A tarefa é repetida automaticamente; se ficou parada, tente-a novamente.
job-error-moodle-unreachable = { $step } no Moodle `{ $site }` falhou: { $detail }
job-error-moodle-unreachable-fix = Se for passageiro, nada: a tarefa é repetida com intervalos cada vez maiores. Se persistir, verifique se o site está a funcionar e acessível a partir deste servidor; depois tente novamente a tarefa parada.
job-error-moodle-refused = { $step } no Moodle `{ $site }` falhou: { $detail }
job-error-moodle-refused-fix = O Moodle indica o motivo no erro acima: corrija-o no Moodle e depois tente a tarefa novamente.
job-error-group-functions-missing = { $step } no Moodle `{ $site }` falhou: { $detail }
job-error-group-functions-missing-fix = Acrescente as funções de grupos da disciplina (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) ao serviço externo do token e depois tente a tarefa novamente.
job-error-moodle-misconfigured = { $step } no Moodle `{ $site }` falhou: { $detail }
job-error-moodle-misconfigured-fix = Verifique o URL do site no bloco [[moodle]] e se os serviços web e o protocolo REST estão ativos no Moodle; depois tente a tarefa novamente.
job-error-moodle-bad-answer = { $step } no Moodle `{ $site }` falhou: { $detail }
job-error-moodle-bad-answer-fix = Verifique se o URL do site aponta para a raiz do Moodle (e não para uma página de entrada, um proxy ou uma página de manutenção); depois tente a tarefa novamente.
