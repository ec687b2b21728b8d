# The API reference page (/api/v1/docs): its own labels. The operations' summaries
# and descriptions are the code's doc comments, in English.
api-docs-title = Référence de l'API
api-docs-auth = Envoyez un jeton d'API sous la forme Authorization: Bearer mmt_… ; créez-le sur la page des jetons. Un jeton de lecture peut appeler les opérations GET, un jeton d'écriture aussi les actions, un jeton d'administration tout.
api-docs-document = Le document OpenAPI 3.1 (JSON)
api-docs-contents = Sommaire
api-docs-parameters = Paramètres
api-docs-request = Corps de la requête
api-docs-responses = Réponses
api-docs-schemas = Schémas
api-docs-name = Nom
api-docs-location = Emplacement
api-docs-kind = Type
api-docs-required = Obligatoire
api-docs-description = Description
api-docs-status = Statut
api-docs-schema = Schéma
api-docs-yes = oui
api-docs-no = non
