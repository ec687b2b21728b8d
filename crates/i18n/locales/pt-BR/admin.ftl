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
dashboard-paused-sites = Sites pausados

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
