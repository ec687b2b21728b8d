# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = API-Referenz
api-docs-auth = Senden Sie ein API-Token als Authorization: Bearer mmt_…; Sie erstellen es auf der Token-Seite. Ein Lese-Token darf die GET-Operationen aufrufen, ein Schreib-Token auch die Aktionen, ein Admin-Token alles.
api-docs-document = Das OpenAPI-3.1-Dokument (JSON)
api-docs-contents = Inhalt
api-docs-parameters = Parameter
api-docs-request = Anfragekörper
api-docs-responses = Antworten
api-docs-schemas = Schemata
api-docs-name = Name
api-docs-location = Ort
api-docs-kind = Typ
api-docs-required = Pflicht
api-docs-description = Beschreibung
api-docs-status = Status
api-docs-schema = Schema
api-docs-yes = ja
api-docs-no = nein
