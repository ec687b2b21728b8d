# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = Referencia de la API
api-docs-auth = Envíe un token de API como Authorization: Bearer mmt_…; se crea en la página de tokens. Un token de lectura puede llamar a las operaciones GET, uno de escritura también a las acciones y uno de administración a todo.
api-docs-document = El documento OpenAPI 3.1 (JSON)
api-docs-contents = Contenido
api-docs-parameters = Parámetros
api-docs-request = Cuerpo de la petición
api-docs-responses = Respuestas
api-docs-schemas = Esquemas
api-docs-name = Nombre
api-docs-location = En
api-docs-kind = Tipo
api-docs-required = Obligatorio
api-docs-description = Descripción
api-docs-status = Estado
api-docs-schema = Esquema
api-docs-yes = sí
api-docs-no = no
