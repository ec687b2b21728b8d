# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = API reference
api-docs-auth = Send an API token as Authorization: Bearer mmt_…; make one on the tokens page. A read token may call the GET operations, a write token the actions too, an admin token everything.
api-docs-document = The OpenAPI 3.1 document (JSON)
api-docs-contents = Contents
api-docs-parameters = Parameters
api-docs-request = Request body
api-docs-responses = Responses
api-docs-schemas = Schemas
api-docs-name = Name
api-docs-location = In
api-docs-kind = Type
api-docs-required = Required
api-docs-description = Description
api-docs-status = Status
api-docs-schema = Schema
api-docs-yes = yes
api-docs-no = no
