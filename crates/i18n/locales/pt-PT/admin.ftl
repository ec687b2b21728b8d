# A administração web. Todas as páginas, etiquetas e mensagens que nela se leem.

## Navegação e moldura
nav-skip = Saltar para o conteúdo
nav-label = Navegação principal
nav-dashboard = Painel
nav-enrolments = Inscrições
nav-jobs = Tarefas
nav-certificates = Certificados
nav-audit = Registo de auditoria
nav-users = Utilizadores
search-label = Pesquisar faturas, formandos e cursos
search-placeholder = Número da fatura, e-mail, nome ou curso
search-submit = Pesquisar
sign-out = Terminar sessão
me-language = Idioma
me-language-save = Alterar idioma
role-admin = Administrador
role-operator = Operador
role-viewer = Leitor

## Início de sessão
login-title = Iniciar sessão
login-email = E-mail
login-password = Palavra-passe
login-submit = Iniciar sessão
login-error-credentials = E-mail ou palavra-passe incorretos.
login-error-csrf = Este formulário tinha expirado. Inicie sessão novamente.
login-error-throttled = Demasiadas tentativas falhadas. Tente novamente daqui a { $minutes ->
    [one] { $minutes } minuto
   *[other] { $minutes } minutos
}.
login-no-users = Ainda ninguém pode iniciar sessão. No servidor, execute: moodle-management user add --role admin o.seu@email

## Erros
error-internal-title = Ocorreu um erro
error-internal-message = Não foi possível gerar a página; o motivo consta do registo do serviço.
error-forbidden-title = Não permitido
error-forbidden-message = A sua função não o permite. Peça a um administrador.
error-csrf-title = Este formulário expirou
error-csrf-message = Volte atrás, recarregue a página e tente novamente.
error-not-found-title = Não encontrado
error-not-found-message = Não existe nada neste endereço.
error-bad-request-title = Não é possível processar este pedido
error-bad-request-message = Falta algo ou há algo errado:

## Colunas e filtros comuns das tabelas
col-learner = Formando
col-site = Site
col-course = Curso
col-status = Estado
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
col-role = Função
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
enrolments-holds = Linhas de fatura retidas ou ignoradas

## Tarefas
jobs-title = Tarefas
jobs-queued = Em fila
jobs-running = Em execução
jobs-dead = Paradas
jobs-mail-queued = E-mails em fila
jobs-mail-dead = E-mails parados
jobs-paused-site = O site { $site } está em pausa
jobs-paused-waiting = { $count ->
    [one] { $count } tarefa aguarda por ele.
   *[other] { $count } tarefas aguardam por ele.
}
jobs-fix = Como corrigir:
jobs-failing = Tarefas com falhas
jobs-none-failing = Nenhuma tarefa está a falhar.
jobs-error-and-fix = Erro e como corrigir
jobs-status-dead = Parada
jobs-status-retrying = A tentar novamente
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
certificates-none = Ainda não há certificados.
certificates-download = Transferir
certificates-verify = Página de verificação
certificates-resend = Reenviar
certificates-reissue = Reemitir
certificates-revoke = Revogar
certificates-revoke-note = Motivo da revogação
certificates-done-revoke = O certificado foi revogado; o formando é informado por e-mail.
certificates-done-resend = O e-mail do certificado voltou a ficar em fila.
certificates-done-reissue = Foi emitida uma nova versão, que substitui a anterior.
standing-valid = Válido
standing-revoked = Revogado
standing-superseded = Substituído
standing-expired = Expirado

## Registo de auditoria
audit-title = Registo de auditoria
audit-search = Pesquisar
audit-operators = O que as pessoas fizeram
audit-moodle = O que alterámos no Moodle
audit-none = Ainda nada.

## Utilizadores
users-title = Utilizadores
users-disabled = Desativado
users-enabled = Ativo
users-disable = Desativar
users-enable = Ativar
users-save-role = Guardar função
users-add = Adicionar um utilizador
users-add-submit = Adicionar utilizador
users-password = Palavra-passe (pelo menos 12 caracteres)
users-error-invalid-email = Isto não é um endereço de e-mail.
users-error-email-taken = Já existe um utilizador com esse e-mail.
users-error-weak-password = A palavra-passe é demasiado curta: utilize pelo menos 12 caracteres.
users-error-no-such-user = Esse utilizador não existe.
users-error-last-admin = Este é o último administrador ativo: torne primeiro outro utilizador administrador.
users-error-internal = Ocorreu um erro; o motivo consta do registo do serviço.

## Pesquisa e histórico de uma fatura
search-title = Pesquisa
search-empty-query = Escreva um número de fatura, o e-mail ou o nome de um formando, ou um curso.
search-none = Nada corresponde a «{ $query }».
col-invoice = Fatura
invoice-title = Fatura { $number }
invoice-paid = Paga
invoice-unpaid = Não paga
invoice-deleted = Eliminada no sistema de faturação
invoice-problems = O que está errado agora
invoice-timeline = O que aconteceu
invoice-no-courses = Esta fatura não dá acesso a nenhum curso.
invoice-job = tarefa { $job }
story-seen = Fatura detetada
story-paid = Paga
story-learner-matched = Formando associado à sua conta Moodle
story-learner-created = Conta Moodle do formando criada
story-enrolled = Inscrito
story-suspended = Acesso suspenso
story-reactivated = Acesso reativado
story-updated = Datas da inscrição atualizadas
story-unenrolled = Inscrição anulada
story-changed = Alterada no Moodle
story-change-failed = O Moodle recusou uma alteração
story-progress = Progresso
story-completed = Curso concluído
story-certificate-issued = Certificado emitido
story-certificate-revoked = Certificado revogado
story-emailed = Certificado enviado por e-mail

## Plano, desvios e sites
nav-plan = Plano
nav-drift = Desvios
nav-sites = Sites Moodle
plan-intro = O que a próxima passagem alteraria no Moodle, e porquê. Nada disto foi feito ainda.
plan-nothing = O Moodle corresponde às faturas: a próxima passagem não altera nada.
plan-change-enrol = Inscrever
plan-change-update = Atualizar datas
plan-change-suspend = Suspender
plan-change-reactivate = Reativar
plan-change-unenrol = Anular inscrição
drift-intro = Lê agora no Moodle cada curso associado: as inscrições alteradas manualmente são colocadas em fila para serem corrigidas e as inscrições que nenhuma fatura paga são listadas.
drift-run = Verificar o Moodle agora
drift-read = { $courses ->
    [one] { $courses } curso lido
   *[other] { $courses } cursos lidos
}
drift-repaired = Alteradas no Moodle, a ser corrigidas
drift-unexpected = No Moodle, mas nenhuma fatura a paga
drift-errors = Cursos que não foi possível ler
sites-url = Endereço
sites-origin = Onde está definido
sites-declared-in-config = Declarado em config.toml (só de leitura aqui)
sites-test = Testar a ligação

## Entregas de webhooks
nav-deliveries = Webhooks
deliveries-none = Ainda não foi recebida nenhuma entrega de webhook.
deliveries-source = Origem
deliveries-id = Entrega
deliveries-body = Conteúdo
deliveries-show-body = Mostrar
deliveries-applied = Aplicada
deliveries-waiting = Em espera
deliveries-reapply = Aplicar novamente

## Produtos e lugares
nav-mappings = Produtos
nav-seats = Lugares
mappings-intro = Que curso dá cada produto vendido. Declarados em config.toml: altere-os aí e reinicie o serviço.
mappings-none = Nenhum produto está associado a um curso: as faturas pagas não dão acesso a nada até que algum esteja.
mappings-product = Produto
mappings-duration = Acesso
mappings-group = Grupo
mappings-days = { $days ->
    [one] { $days } dia
   *[other] { $days } dias
}
mappings-no-end = Sem fim
seats-assign = Atribuir um lugar
seats-line = Linha
seats-name = Nome do formando
seats-assign-submit = Atribuir
seats-release = Libertar
seats-none = Nenhum lugar está atribuído.

## Painel
dashboard-all-sites = Todos os sites
dashboard-from = De
dashboard-to = Até
dashboard-card-revenue = Receita dos cursos
dashboard-card-learners = Formandos ativos
dashboard-card-pending = Inscrições pendentes
dashboard-card-completions = Conclusões
dashboard-card-certificates = Certificados emitidos
dashboard-card-jobs-failing = Tarefas com falhas
dashboard-card-mails-failing = E-mails com falhas
dashboard-sources = Origens das faturas
dashboard-last-progress = Última leitura do progresso
dashboard-last-poll = Última consulta bem-sucedida
dashboard-backlog = Tarefas em espera
dashboard-paused = Em pausa
dashboard-reachable = A funcionar
dashboard-chart-empty = Nada neste período.
dashboard-chart-enrolments = Inscrições por mês
dashboard-chart-status = Inscrições por estado
dashboard-chart-progress = Formandos por progresso
dashboard-chart-completions = Conclusões por mês
dashboard-chart-certificates = Certificados por mês
dashboard-chart-top-revenue = Cursos com mais receita
dashboard-chart-top-learners = Cursos com mais formandos
dashboard-status-active = Ativa
dashboard-status-suspended = Suspensa
dashboard-status-revoked = Revogada
dashboard-status-removed = Removida
dashboard-status-none = Nenhuma

## Lista de inscrições
filter-any = Qualquer
enrolments-export = Exportar tudo em CSV
enrolments-job-pending = Em espera
enrolments-job-failing = Com falhas
enrolments-job-dead = Parada
enrolments-job-settled = Concluída
pagination-label = Páginas
pagination-previous = Anterior
pagination-next = Seguinte
pagination-page = Página { $page }
