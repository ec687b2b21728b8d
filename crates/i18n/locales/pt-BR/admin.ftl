# A administração web. Todas as páginas, rótulos e mensagens que se leem nela.

## Navegação e moldura
nav-skip = Pular para o conteúdo
nav-label = Navegação principal
nav-dashboard = Painel
nav-enrolments = Inscrições
nav-jobs = Tarefas
nav-certificates = Certificados
nav-audit = Registro de auditoria
nav-users = Usuários
search-label = Pesquisar faturas, alunos e cursos
search-placeholder = Número da fatura, e-mail, nome ou curso
search-submit = Pesquisar
sign-out = Sair
me-language = Idioma
me-language-save = Alterar idioma
role-admin = Administrador
role-operator = Operador
role-viewer = Leitor

## Entrada
login-title = Entrar
login-email = E-mail
login-password = Senha
login-submit = Entrar
login-error-credentials = E-mail ou senha incorretos.
login-error-csrf = Este formulário tinha expirado. Entre novamente.
login-error-throttled = Muitas tentativas malsucedidas. Tente novamente em { $minutes ->
    [one] { $minutes } minuto
   *[other] { $minutes } minutos
}.
login-no-users = Ninguém pode entrar ainda. No servidor, execute: moodle-management user add --role admin seu@email

## Erros
error-internal-title = Algo deu errado
error-internal-message = Não foi possível gerar a página; o motivo está no log do serviço.
error-forbidden-title = Não permitido
error-forbidden-message = Seu perfil não permite isso. Peça a um administrador.
error-csrf-title = Este formulário expirou
error-csrf-message = Volte, recarregue a página e tente novamente.
error-not-found-title = Não encontrado
error-not-found-message = Não há nada neste endereço.
error-bad-request-title = Não é possível atender a esta solicitação
error-bad-request-message = Há algo faltando ou incorreto:

## Colunas e filtros comuns das tabelas
col-learner = Aluno
col-site = Site
col-course = Curso
col-status = Status
col-actions = Ações
col-number = Número
col-issued = Emitido
col-standing = Validade
col-when = Quando
col-who = Quem
col-action = Ação
col-object = Objeto
col-detail = Detalhe
col-email = E-mail
col-role = Perfil
col-desired = Esperado
col-in-moodle = No Moodle
col-cause = Causa
col-job = Tarefa
filter-apply = Filtrar

## Painel

## Inscrições
enrolments-count = { $count ->
    [one] { $count } inscrição
   *[other] { $count } inscrições
}
enrolments-holds = Itens de fatura retidos ou ignorados

## Tarefas
jobs-title = Tarefas
jobs-queued = Na fila
jobs-running = Em execução
jobs-dead = Paradas
jobs-mail-queued = E-mails na fila
jobs-mail-dead = E-mails parados
jobs-paused-site = O site { $site } está pausado
jobs-paused-waiting = { $count ->
    [one] { $count } tarefa aguarda por ele.
   *[other] { $count } tarefas aguardam por ele.
}
jobs-fix = Como corrigir:
jobs-failing = Tarefas com falha
jobs-none-failing = Nenhuma tarefa com falha.
jobs-error-and-fix = Erro e como corrigir
jobs-status-dead = Parada
jobs-status-retrying = Tentando novamente
jobs-retry = Tentar novamente
jobs-discard = Descartar
jobs-retry-all = Tentar novamente todas as tarefas paradas…
jobs-discard-all = Descartar todas as tarefas paradas…
jobs-confirm-retry = { $count ->
    [one] Tentar novamente { $count } tarefa parada?
   *[other] Tentar novamente { $count } tarefas paradas?
}
jobs-confirm-discard = { $count ->
    [one] Descartar { $count } tarefa parada?
   *[other] Descartar { $count } tarefas paradas?
}
jobs-confirm = Sim, continuar
jobs-cancel = Cancelar
jobs-done = { $count ->
    [one] { $count } tarefa concluída.
   *[other] { $count } tarefas concluídas.
}

## Certificados
certificates-title = Certificados
certificates-none = Nenhum certificado ainda.
certificates-download = Baixar
certificates-verify = Página de verificação
certificates-resend = Reenviar
certificates-reissue = Reemitir
certificates-revoke = Revogar
certificates-revoke-note = Motivo da revogação
certificates-done-revoke = O certificado foi revogado; o aluno é avisado por e-mail.
certificates-done-resend = O e-mail do certificado voltou para a fila.
certificates-done-reissue = Uma nova versão foi emitida; ela substitui a anterior.
standing-valid = Válido
standing-revoked = Revogado
standing-superseded = Substituído
standing-expired = Expirado

## Registro de auditoria
audit-title = Registro de auditoria
audit-search = Pesquisar
audit-operators = O que as pessoas fizeram
audit-moodle = O que mudamos no Moodle
audit-none = Nada ainda.

## Usuários
users-title = Usuários
users-disabled = Desativado
users-enabled = Ativo
users-disable = Desativar
users-enable = Ativar
users-save-role = Salvar perfil
users-add = Adicionar um usuário
users-add-submit = Adicionar usuário
users-password = Senha (pelo menos 12 caracteres)
users-error-invalid-email = Isso não é um endereço de e-mail.
users-error-email-taken = Já existe um usuário com esse e-mail.
users-error-weak-password = A senha é curta demais: use pelo menos 12 caracteres.
users-error-no-such-user = Esse usuário não existe.
users-error-last-admin = Este é o último administrador ativo: primeiro torne outro usuário administrador.
users-error-internal = Algo deu errado; o motivo está no log do serviço.

## Pesquisa e histórico de uma fatura
search-title = Pesquisa
search-empty-query = Digite um número de fatura, o e-mail ou o nome de um aluno, ou um curso.
search-none = Nada corresponde a “{ $query }”.
col-invoice = Fatura
invoice-title = Fatura { $number }
invoice-paid = Paga
invoice-unpaid = Não paga
invoice-deleted = Excluída no sistema de faturamento
invoice-problems = O que está errado agora
invoice-timeline = O que aconteceu
invoice-no-courses = Esta fatura não dá acesso a nenhum curso.
invoice-job = tarefa { $job }
story-seen = Fatura detectada
story-paid = Paga
story-learner-matched = Aluno associado à sua conta do Moodle
story-learner-created = Conta do Moodle do aluno criada
story-enrolled = Inscrito
story-suspended = Acesso suspenso
story-reactivated = Acesso reativado
story-updated = Datas da inscrição atualizadas
story-unenrolled = Inscrição cancelada
story-changed = Alterada no Moodle
story-change-failed = O Moodle recusou uma alteração
story-progress = Progresso
story-completed = Curso concluído
story-certificate-issued = Certificado emitido
story-certificate-revoked = Certificado revogado
story-emailed = Certificado enviado por e-mail

## Plano, divergências e sites
nav-plan = Plano
nav-drift = Divergências
nav-sites = Sites do Moodle
plan-intro = O que a próxima execução mudaria no Moodle, e por quê. Nada disso foi feito ainda.
plan-nothing = O Moodle está de acordo com as faturas: a próxima execução não muda nada.
plan-change-enrol = Inscrever
plan-change-update = Atualizar datas
plan-change-suspend = Suspender
plan-change-reactivate = Reativar
plan-change-unenrol = Cancelar inscrição
drift-intro = Lê agora no Moodle cada curso associado: as inscrições alteradas manualmente entram na fila para serem corrigidas e as inscrições que nenhuma fatura paga são listadas.
drift-run = Verificar o Moodle agora
drift-read = { $courses ->
    [one] { $courses } curso lido
   *[other] { $courses } cursos lidos
}
drift-repaired = Alteradas no Moodle, sendo corrigidas
drift-unexpected = No Moodle, mas nenhuma fatura paga por ela
drift-errors = Cursos que não puderam ser lidos
sites-url = Endereço
sites-origin = Onde está definido
sites-declared-in-config = Declarado em config.toml (somente leitura aqui)
sites-test = Testar conexão

## Entregas de webhooks
nav-deliveries = Webhooks
deliveries-none = Nenhuma entrega de webhook recebida ainda.
deliveries-source = Origem
deliveries-id = Entrega
deliveries-body = Conteúdo
deliveries-show-body = Mostrar
deliveries-applied = Aplicada
deliveries-waiting = Aguardando
deliveries-reapply = Aplicar novamente

## Produtos e vagas
nav-mappings = Produtos
nav-seats = Vagas
mappings-intro = Qual curso cada produto vendido concede. Declarados em config.toml: altere-os lá e reinicie o serviço.
mappings-none = Nenhum produto está associado a um curso: as faturas pagas não dão acesso a nada até que algum esteja.
mappings-product = Produto
mappings-duration = Acesso
mappings-group = Grupo
mappings-days = { $days ->
    [one] { $days } dia
   *[other] { $days } dias
}
mappings-no-end = Sem fim
seats-assign = Atribuir uma vaga
seats-line = Item
seats-name = Nome do aluno
seats-assign-submit = Atribuir
seats-release = Liberar
seats-none = Nenhuma vaga atribuída.

## Painel
dashboard-all-sites = Todos os sites
dashboard-from = De
dashboard-to = Até
dashboard-card-revenue = Receita dos cursos
dashboard-card-learners = Alunos ativos
dashboard-card-pending = Inscrições pendentes
dashboard-card-completions = Conclusões
dashboard-card-certificates = Certificados emitidos
dashboard-card-jobs-failing = Tarefas com falha
dashboard-card-mails-failing = E-mails com falha
dashboard-sources = Origens das faturas
dashboard-last-progress = Última leitura do progresso
dashboard-last-poll = Última consulta bem-sucedida
dashboard-backlog = Tarefas aguardando
dashboard-paused = Pausado
dashboard-reachable = Funcionando
dashboard-chart-empty = Nada neste período.
dashboard-chart-enrolments = Inscrições por mês
dashboard-chart-status = Inscrições por status
dashboard-chart-progress = Alunos por progresso
dashboard-chart-completions = Conclusões por mês
dashboard-chart-certificates = Certificados por mês
dashboard-chart-top-revenue = Cursos com maior receita
dashboard-chart-top-learners = Cursos com mais alunos
dashboard-status-active = Ativa
dashboard-status-suspended = Suspensa
dashboard-status-revoked = Revogada
dashboard-status-removed = Removida
dashboard-status-none = Nenhuma

## Lista de inscrições
filter-any = Qualquer
enrolments-export = Exportar tudo em CSV
enrolments-job-pending = Aguardando
enrolments-job-failing = Com falha
enrolments-job-dead = Parada
enrolments-job-settled = Concluída
pagination-label = Páginas
pagination-previous = Anterior
pagination-next = Próxima
pagination-page = Página { $page }
