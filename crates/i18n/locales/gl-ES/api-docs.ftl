# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = Referencia da API
api-docs-auth = Envíe un token de API como Authorization: Bearer mmt_…; créase na páxina de tokens. Un token de lectura pode chamar ás operacións GET, un de escritura tamén ás accións e un de administración a todo.
api-docs-document = O documento OpenAPI 3.1 (JSON)
api-docs-contents = Contido
api-docs-parameters = Parámetros
api-docs-request = Corpo da petición
api-docs-responses = Respostas
api-docs-schemas = Esquemas
api-docs-name = Nome
api-docs-location = En
api-docs-kind = Tipo
api-docs-required = Obrigatorio
api-docs-description = Descrición
api-docs-status = Estado
api-docs-schema = Esquema
api-docs-yes = si
api-docs-no = non
