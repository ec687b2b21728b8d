# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = Riferimento dell'API
api-docs-auth = Invia un token API come Authorization: Bearer mmt_…; lo crei nella pagina dei token. Un token di lettura può chiamare le operazioni GET, uno di scrittura anche le azioni, uno di amministrazione tutto.
api-docs-document = Il documento OpenAPI 3.1 (JSON)
api-docs-contents = Indice
api-docs-parameters = Parametri
api-docs-request = Corpo della richiesta
api-docs-responses = Risposte
api-docs-schemas = Schemi
api-docs-name = Nome
api-docs-location = Posizione
api-docs-kind = Tipo
api-docs-required = Obbligatorio
api-docs-description = Descrizione
api-docs-status = Stato
api-docs-schema = Schema
api-docs-yes = sì
api-docs-no = no
