# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = Referenční příručka API
api-docs-auth = Posílejte token API jako Authorization: Bearer mmt_…; vytvoříte jej na stránce tokenů. Token pro čtení smí volat operace GET, token pro zápis i akce a token správce vše.
api-docs-document = Dokument OpenAPI 3.1 (JSON)
api-docs-contents = Obsah
api-docs-parameters = Parametry
api-docs-request = Tělo požadavku
api-docs-responses = Odpovědi
api-docs-schemas = Schémata
api-docs-name = Název
api-docs-location = Umístění
api-docs-kind = Typ
api-docs-required = Povinný
api-docs-description = Popis
api-docs-status = Stav
api-docs-schema = Schéma
api-docs-yes = ano
api-docs-no = ne
