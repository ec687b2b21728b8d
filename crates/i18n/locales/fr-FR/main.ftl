# Textes de MoodleManagement en français (France). Les clés sont celles de locales/en-GB/main.ftl.

## Dates (format_date) : « 7 décembre 2026 », « 1er décembre 2026 »
date-long = { $day ->
    [1] 1er
   *[other] { $day }
} { $month } { $year }
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## Certificat (PDF)
cert-title = Certificat de réussite
cert-certifies-that = Nous certifions que
cert-has-completed = a suivi avec succès la formation
cert-hours = { $hours ->
    [one] { $hours } heure de formation
   *[other] { $hours } heures de formation
}
cert-completed-on = Terminée le
cert-issued-on = Délivré le
cert-valid-until = Valable jusqu’au
cert-number = Certificat nº
cert-verify = Vérifiez l’authenticité de ce certificat sur

## E-mail
mail-subject = Votre certificat pour la formation { $course }
mail-greeting = Bonjour { $name },
mail-body = Félicitations pour avoir terminé la formation { $course }. Vous trouverez en pièce jointe votre certificat, numéro { $number }.
mail-download = Vous pouvez également le télécharger à l’aide du lien ci-dessous jusqu’au { $until }.
mail-verify = Toute personne avec qui vous le partagez peut vérifier son authenticité ici :
mail-signoff =
    Cordialement,
    { $issuer }
mail-superseded = Ce certificat remplace le certificat { $old }.
mail-revoked-subject = Votre certificat pour la formation { $course } a été révoqué
mail-revoked-body = Nous vous informons que le certificat { $number } de la formation { $course } a été révoqué et n’est plus valable. Motif : { $reason }

## Page publique de vérification
verify-title = Vérification de certificat
verify-status-valid = Ce certificat est valable.
verify-status-revoked = Ce certificat a été révoqué le { $date }. Motif : { $reason }
verify-status-superseded = Ce certificat a été remplacé par un certificat plus récent, numéro { $number }.
verify-status-expired = Ce certificat a expiré le { $date }.
verify-status-unknown = Aucun certificat ne correspond à ce numéro. Veuillez le vérifier et réessayer.
verify-field-learner = Délivré à
verify-field-course = Formation
verify-field-hours = Heures
verify-field-number = Numéro de certificat
verify-field-completed = Terminée le
verify-field-issued = Délivré le
verify-field-valid-until = Valable jusqu’au
verify-field-version = Version
verify-field-issuer = Délivré par
verify-upload-label = Vous avez une copie du PDF ? Téléversez-la pour vérifier qu’elle correspond à nos registres.
verify-upload-button = Vérifier le PDF
verify-upload-identical = Le fichier téléversé est identique au certificat que nous avons délivré.
verify-upload-different = Le fichier téléversé ne correspond pas au certificat que nous avons délivré. Il a peut-être été modifié.
verify-linkedin = Ajouter à LinkedIn
verify-credential = Télécharger l’attestation vérifiable
verify-signature-ok = La signature électronique est valide.
verify-signature-bad = La signature électronique n’a pas pu être vérifiée.
verify-upload-unreadable = Le fichier n’a pas pu être lu. Téléversez le certificat sous la forme d’un seul PDF de 5 Mo au maximum.
verify-rate-limited = Trop de vérifications depuis votre connexion. Veuillez patienter une minute et réessayer.

## Progression
progress-lag-note = L’achèvement est calculé par les tâches planifiées de Moodle ; il peut donc avoir un cycle de cron de retard.
verify-field-seal = Sceau
