# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = APIaren erreferentzia
api-docs-auth = Bidali API token bat Authorization: Bearer mmt_… gisa; tokenen orrian sortzen da. Irakurketa-token batek GET eragiketak dei ditzake, idazketa-token batek ekintzak ere bai, eta administrazio-token batek dena.
api-docs-document = OpenAPI 3.1 dokumentua (JSON)
api-docs-contents = Edukia
api-docs-parameters = Parametroak
api-docs-request = Eskaeraren gorputza
api-docs-responses = Erantzunak
api-docs-schemas = Eskemak
api-docs-name = Izena
api-docs-location = Non
api-docs-kind = Mota
api-docs-required = Derrigorrezkoa
api-docs-description = Deskribapena
api-docs-status = Egoera
api-docs-schema = Eskema
api-docs-yes = bai
api-docs-no = ez
