# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Details (in English):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Looking up the course
job-step-read-enrolments = Reading the course's enrolments
job-step-enrol = Enrolment
job-step-unenrol = Unenrolment
job-step-find-or-create-group = Finding or creating the group `{ $group }`
job-step-join-group = Adding the learner to a course group
job-step-look-up-learners = Looking up learners
job-step-look-up-learner = Looking up the learner
job-step-create-accounts = Creating learners' accounts
job-step-create-account = Creating the learner's account
job-step-update-email = Updating a learner's email

## Errors and their fixes
job-error-site-not-configured = Moodle site `{ $site }` is not configured.
job-error-site-not-configured-fix = Add a [[moodle]] block named `{ $site }` to the configuration.
job-error-course-missing = Course `{ $course }` does not exist on Moodle `{ $site }`.
job-error-course-missing-fix = Fix the mapping or create the course in Moodle.
job-error-no-enrol-method = Course `{ $course }` on Moodle `{ $site }` (id { $course_id }) has no enabled Manual enrolments method.
job-error-no-enrol-method-fix = In the course, go to Participants → Enrolment methods and enable "Manual enrolments", then retry the job.
job-error-unknown-role = Role `{ $role }` is unknown.
job-error-unknown-role-fix = Use student, teacher, editingteacher, manager or a role id in the mapping.
job-error-account-conflict = { $count } Moodle accounts on `{ $site }` share the email { $email } (user ids { $user_ids }).
job-error-account-conflict-fix = Merge them, or change the address of all but one in Moodle, then retry the job.
job-error-email-refused = Moodle `{ $site }` refused the new email of user { $user_id }: { $reason }
job-error-email-refused-fix = Fix the account in Moodle, then retry the job.
job-error-email-hidden = Moodle `{ $site }` refused to create the account of { $email } though no account with that email was found: { $reason }
job-error-email-hidden-fix = The token user most likely lacks the capability moodle/site:viewuseridentity, so Moodle hides every email from it and the learner's existing account is never found. Allow it in the token user's role (and keep email in "Show user identity"), then retry the job.
job-error-new-user-not-returned = Moodle did not return the new user.
job-error-new-user-not-returned-fix = Usually nothing: the job is retried by itself. If it was parked after too many attempts, retry it.
job-error-account-not-created = Moodle did not create the learner's account.
job-error-account-not-created-fix = Check the learner's account in Moodle, then retry the job.
job-error-email-not-updated = Moodle did not update the learner's email.
job-error-email-not-updated-fix = Check the learner's account in Moodle, then retry the job.
job-error-learner-not-looked-up = The learner's Moodle account was not looked up in this round.
job-error-learner-not-looked-up-fix = Usually nothing: the job is retried by itself. If it was parked after too many attempts, retry it.
job-error-not-sent = This change was not sent to Moodle in this round.
job-error-not-sent-fix = Usually nothing: the job is retried by itself. If it was parked after too many attempts, retry it.
job-error-store-failed = Our database failed: { $detail }
job-error-store-failed-fix = Check that the database is reachable and has free space. The job is retried by itself; if it was parked, retry it.
job-error-moodle-unreachable = { $step } on Moodle `{ $site }` failed: { $detail }
job-error-moodle-unreachable-fix = If it passes, nothing: the job is retried with a growing delay. If it lasts, check that the site is up and reachable from this server; once it is, retry the parked job.
job-error-moodle-refused = { $step } on Moodle `{ $site }` failed: { $detail }
job-error-moodle-refused-fix = Moodle said why in the error above: fix that in Moodle, then retry the job.
job-error-group-functions-missing = { $step } on Moodle `{ $site }` failed: { $detail }
job-error-group-functions-missing-fix = Add the course group functions (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) to the external service of the token, then retry the job.
job-error-moodle-misconfigured = { $step } on Moodle `{ $site }` failed: { $detail }
job-error-moodle-misconfigured-fix = Check the site's URL in the [[moodle]] block and that web services and the REST protocol are enabled in Moodle, then retry the job.
job-error-moodle-bad-answer = { $step } on Moodle `{ $site }` failed: { $detail }
job-error-moodle-bad-answer-fix = Check that the site's URL points at the Moodle root (not a login page, proxy or maintenance page), then retry the job.
