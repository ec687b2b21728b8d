# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = Referência da API
api-docs-auth = Envie um token de API como Authorization: Bearer mmt_…; crie-o na página de tokens. Um token de leitura pode chamar as operações GET, um de escrita também as ações e um de administração tudo.
api-docs-document = O documento OpenAPI 3.1 (JSON)
api-docs-contents = Conteúdo
api-docs-parameters = Parâmetros
api-docs-request = Corpo do pedido
api-docs-responses = Respostas
api-docs-schemas = Esquemas
api-docs-name = Nome
api-docs-location = Em
api-docs-kind = Tipo
api-docs-required = Obrigatório
api-docs-description = Descrição
api-docs-status = Estado
api-docs-schema = Esquema
api-docs-yes = sim
api-docs-no = não
