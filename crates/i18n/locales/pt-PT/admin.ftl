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
dashboard-paused-sites = Sites em pausa

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
