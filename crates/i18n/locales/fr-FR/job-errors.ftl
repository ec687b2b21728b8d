# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Détails (en anglais) :

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Recherche du cours
job-step-read-enrolments = Lecture des inscriptions du cours
job-step-enrol = Inscription
job-step-unenrol = Désinscription
job-step-find-or-create-group = Recherche ou création du groupe `{ $group }`
job-step-join-group = Ajout de l'apprenant à un groupe du cours
job-step-look-up-learners = Recherche des apprenants
job-step-look-up-learner = Recherche de l'apprenant
job-step-create-accounts = Création des comptes des apprenants
job-step-create-account = Création du compte de l'apprenant
job-step-update-email = Modification de l'adresse e-mail d'un apprenant

## Errors and their fixes
job-error-site-not-configured = Le site Moodle `{ $site }` n'est pas configuré.
job-error-site-not-configured-fix = Ajoutez à la configuration un bloc [[moodle]] nommé `{ $site }`.
job-error-course-missing = Le cours `{ $course }` n'existe pas sur Moodle `{ $site }`.
job-error-course-missing-fix = Corrigez la correspondance ou créez le cours dans Moodle.
job-error-no-enrol-method = Le cours `{ $course }` sur Moodle `{ $site }` (id { $course_id }) n'a pas de méthode « Inscription manuelle » activée.
job-error-no-enrol-method-fix = Dans le cours, ouvrez Participants → Méthodes d'inscription et activez « Inscription manuelle », puis relancez la tâche.
job-error-unknown-role = Le rôle `{ $role }` est inconnu.
job-error-unknown-role-fix = Utilisez student, teacher, editingteacher, manager ou un id de rôle dans la correspondance.
job-error-account-conflict = { $count } comptes Moodle sur `{ $site }` partagent l'adresse { $email } (ids utilisateur { $user_ids }).
job-error-account-conflict-fix = Fusionnez-les, ou changez dans Moodle l'adresse de tous sauf un, puis relancez la tâche.
job-error-email-refused = Moodle `{ $site }` a refusé la nouvelle adresse e-mail de l'utilisateur { $user_id } : { $reason }
job-error-email-refused-fix = Corrigez le compte dans Moodle, puis relancez la tâche.
job-error-email-hidden = Moodle `{ $site }` a refusé de créer le compte de { $email } alors qu'aucun compte avec cette adresse n'a été trouvé : { $reason }
job-error-email-hidden-fix = L'utilisateur du jeton n'a probablement pas la capacité moodle/site:viewuseridentity : Moodle lui cache alors toutes les adresses e-mail et le compte existant de l'apprenant n'est jamais trouvé. Autorisez-la dans le rôle de l'utilisateur du jeton (et gardez email dans « Afficher l'identité des utilisateurs »), puis relancez la tâche.
job-error-new-user-not-returned = Moodle n'a pas renvoyé le nouvel utilisateur.
job-error-new-user-not-returned-fix = En général rien : la tâche est relancée d'elle-même. Si elle a été bloquée après trop de tentatives, relancez-la.
job-error-account-not-created = Moodle n'a pas créé le compte de l'apprenant.
job-error-account-not-created-fix = Vérifiez le compte de l'apprenant dans Moodle, puis relancez la tâche.
job-error-email-not-updated = Moodle n'a pas modifié l'adresse e-mail de l'apprenant.
job-error-email-not-updated-fix = Vérifiez le compte de l'apprenant dans Moodle, puis relancez la tâche.
job-error-learner-not-looked-up = Le compte Moodle de l'apprenant n'a pas été recherché lors de ce passage.
job-error-learner-not-looked-up-fix = En général rien : la tâche est relancée d'elle-même. Si elle a été bloquée après trop de tentatives, relancez-la.
job-error-not-sent = Cette modification n'a pas été envoyée à Moodle lors de ce passage.
job-error-not-sent-fix = En général rien : la tâche est relancée d'elle-même. Si elle a été bloquée après trop de tentatives, relancez-la.
job-error-store-failed = Notre base de données a échoué : { $detail }
job-error-store-failed-fix = Vérifiez que la base de données est joignable et dispose d'espace libre. La tâche est relancée d'elle-même ; si elle a été bloquée, relancez-la.
job-error-moodle-unreachable = { $step } sur Moodle `{ $site }` a échoué : { $detail }
job-error-moodle-unreachable-fix = Si cela passe, rien : la tâche est relancée avec un délai croissant. Si cela dure, vérifiez que le site fonctionne et est joignable depuis ce serveur ; ensuite, relancez la tâche bloquée.
job-error-moodle-refused = { $step } sur Moodle `{ $site }` a échoué : { $detail }
job-error-moodle-refused-fix = Moodle en donne la raison dans l'erreur ci-dessus : corrigez-la dans Moodle, puis relancez la tâche.
job-error-group-functions-missing = { $step } sur Moodle `{ $site }` a échoué : { $detail }
job-error-group-functions-missing-fix = Ajoutez les fonctions des groupes de cours (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) au service externe du jeton, puis relancez la tâche.
job-error-moodle-misconfigured = { $step } sur Moodle `{ $site }` a échoué : { $detail }
job-error-moodle-misconfigured-fix = Vérifiez l'URL du site dans le bloc [[moodle]] et que les services web et le protocole REST sont activés dans Moodle, puis relancez la tâche.
job-error-moodle-bad-answer = { $step } sur Moodle `{ $site }` a échoué : { $detail }
job-error-moodle-bad-answer-fix = Vérifiez que l'URL du site pointe vers la racine de Moodle (et non vers une page de connexion, un proxy ou une page de maintenance), puis relancez la tâche.
