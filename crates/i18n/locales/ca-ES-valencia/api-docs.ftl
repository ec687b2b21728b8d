# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = Referència de l'API
api-docs-auth = Envieu un testimoni d'API com a Authorization: Bearer mmt_…; es crea en la pàgina de testimonis. Un testimoni de lectura pot cridar les operacions GET, un d'escriptura també les accions i un d'administració, tot.
api-docs-document = El document OpenAPI 3.1 (JSON)
api-docs-contents = Contingut
api-docs-parameters = Paràmetres
api-docs-request = Cos de la petició
api-docs-responses = Respostes
api-docs-schemas = Esquemes
api-docs-name = Nom
api-docs-location = En
api-docs-kind = Tipus
api-docs-required = Obligatori
api-docs-description = Descripció
api-docs-status = Estat
api-docs-schema = Esquema
api-docs-yes = sí
api-docs-no = no
