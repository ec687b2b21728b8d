# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Xehetasunak (ingelesez):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Ikastaroa bilatzea
job-step-read-enrolments = Ikastaroko matrikulak irakurtzea
job-step-enrol = Matrikulazioa
job-step-unenrol = Matrikula kentzea
job-step-find-or-create-group = `{ $group }` taldea bilatzea edo sortzea
job-step-join-group = Ikaslea ikastaroko talde batera gehitzea
job-step-look-up-learners = Ikasleak bilatzea
job-step-look-up-learner = Ikaslea bilatzea
job-step-create-accounts = Ikasleen kontuak sortzea
job-step-create-account = Ikaslearen kontua sortzea
job-step-update-email = Ikasle baten helbide elektronikoa aldatzea

## Errors and their fixes
job-error-site-not-configured = `{ $site }` Moodle gunea ez dago konfiguratuta.
job-error-site-not-configured-fix = Gehitu konfigurazioari `{ $site }` izeneko [[moodle]] bloke bat.
job-error-course-missing = `{ $course }` ikastaroa ez dago `{ $site }` Moodlen.
job-error-course-missing-fix = Zuzendu lotura edo sortu ikastaroa Moodlen.
job-error-no-enrol-method = `{ $site }` Moodleko `{ $course }` ikastaroak (id { $course_id }) ez du "Eskuzko matrikulazioa" metodoa gaituta.
job-error-no-enrol-method-fix = Ikastaroan, ireki Partaideak → Matrikulazio-metodoak eta gaitu "Eskuzko matrikulazioa"; gero saiatu berriro lanarekin.
job-error-unknown-role = `{ $role }` rola ezezaguna da.
job-error-unknown-role-fix = Erabili loturan student, teacher, editingteacher, manager edo rol baten id-a.
job-error-account-conflict = `{ $site }` guneko { $count } Moodle kontuk { $email } helbide elektroniko bera dute (erabiltzaile id-ak: { $user_ids }).
job-error-account-conflict-fix = Bateratu itzazu, edo aldatu Moodlen guztien helbidea bat izan ezik; gero saiatu berriro lanarekin.
job-error-email-refused = `{ $site }` Moodlek { $user_id } erabiltzailearen helbide elektroniko berria baztertu du: { $reason }
job-error-email-refused-fix = Zuzendu kontua Moodlen, eta gero saiatu berriro lanarekin.
job-error-email-hidden = `{ $site }` Moodlek ez du { $email } helbidearen kontua sortu nahi izan, helbide hori duen konturik aurkitu ez arren: { $reason }
job-error-email-hidden-fix = Seguruenik tokenaren erabiltzaileak ez du moodle/site:viewuseridentity gaitasuna: orduan Moodlek helbide elektroniko guztiak ezkutatzen dizkio, eta ikaslearen lehendik dagoen kontua ez da inoiz aurkitzen. Baimendu tokenaren erabiltzailearen rolean (eta mantendu email "Erakutsi erabiltzailearen identitatea" aukeran); gero saiatu berriro lanarekin.
job-error-new-user-not-returned = Moodlek ez du erabiltzaile berria itzuli.
job-error-new-user-not-returned-fix = Normalean ezer ez: lana bere kabuz saiatzen da berriro. Saiakera gehiegiren ondoren geldituta badago, saiatu berriro.
job-error-account-not-created = Moodlek ez du ikaslearen kontua sortu.
job-error-account-not-created-fix = Egiaztatu ikaslearen kontua Moodlen, eta gero saiatu berriro lanarekin.
job-error-email-not-updated = Moodlek ez du ikaslearen helbide elektronikoa eguneratu.
job-error-email-not-updated-fix = Egiaztatu ikaslearen kontua Moodlen, eta gero saiatu berriro lanarekin.
job-error-learner-not-looked-up = Ikaslearen Moodle kontua ez da txanda honetan bilatu.
job-error-learner-not-looked-up-fix = Normalean ezer ez: lana bere kabuz saiatzen da berriro. Saiakera gehiegiren ondoren geldituta badago, saiatu berriro.
job-error-not-sent = Aldaketa hau ez da txanda honetan Moodlera bidali.
job-error-not-sent-fix = Normalean ezer ez: lana bere kabuz saiatzen da berriro. Saiakera gehiegiren ondoren geldituta badago, saiatu berriro.
job-error-store-failed = Gure datu-baseak huts egin du: { $detail }
job-error-store-failed-fix = Egiaztatu datu-basea eskuragarri dagoela eta leku librea duela. Lana bere kabuz saiatzen da berriro; geldituta badago, saiatu berriro.
job-error-moodle-unreachable = { $step }: huts egin du `{ $site }` Moodlen: { $detail }
job-error-moodle-unreachable-fix = Iragankorra bada, ezer ez: lana gero eta tarte luzeagoekin saiatzen da berriro. Irauten badu, egiaztatu gunea martxan dagoela eta zerbitzari honetatik iristen dela; gero saiatu berriro geldituta dagoen lanarekin.
job-error-moodle-refused = { $step }: huts egin du `{ $site }` Moodlen: { $detail }
job-error-moodle-refused-fix = Moodlek goiko errorean dio zergatik: zuzendu hori Moodlen, eta gero saiatu berriro lanarekin.
job-error-group-functions-missing = { $step }: huts egin du `{ $site }` Moodlen: { $detail }
job-error-group-functions-missing-fix = Gehitu ikastaro-taldeen funtzioak (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) tokenaren kanpoko zerbitzuari, eta gero saiatu berriro lanarekin.
job-error-moodle-misconfigured = { $step }: huts egin du `{ $site }` Moodlen: { $detail }
job-error-moodle-misconfigured-fix = Egiaztatu gunearen URLa [[moodle]] blokean eta web-zerbitzuak eta REST protokoloa Moodlen gaituta daudela; gero saiatu berriro lanarekin.
job-error-moodle-bad-answer = { $step }: huts egin du `{ $site }` Moodlen: { $detail }
job-error-moodle-bad-answer-fix = Egiaztatu gunearen URLak Moodleren errora seinalatzen duela (ez saioa hasteko orri, proxy edo mantentze-orri batera); gero saiatu berriro lanarekin.
