# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = Dokumentacja API
api-docs-auth = Wyślij token API jako Authorization: Bearer mmt_…; utworzysz go na stronie tokenów. Token do odczytu może wywoływać operacje GET, token do zapisu także akcje, a token administratora wszystko.
api-docs-document = Dokument OpenAPI 3.1 (JSON)
api-docs-contents = Spis treści
api-docs-parameters = Parametry
api-docs-request = Treść żądania
api-docs-responses = Odpowiedzi
api-docs-schemas = Schematy
api-docs-name = Nazwa
api-docs-location = Miejsce
api-docs-kind = Typ
api-docs-required = Wymagany
api-docs-description = Opis
api-docs-status = Status
api-docs-schema = Schemat
api-docs-yes = tak
api-docs-no = nie
