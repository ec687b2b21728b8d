# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Podrobnosti (anglicky):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Vyhledání kurzu
job-step-read-enrolments = Čtení zápisů do kurzu
job-step-enrol = Zápis do kurzu
job-step-unenrol = Zrušení zápisu
job-step-find-or-create-group = Vyhledání nebo vytvoření skupiny `{ $group }`
job-step-join-group = Přidání účastníka do skupiny kurzu
job-step-look-up-learners = Vyhledání účastníků
job-step-look-up-learner = Vyhledání účastníka
job-step-create-accounts = Vytvoření účtů účastníků
job-step-create-account = Vytvoření účtu účastníka
job-step-update-email = Změna e-mailu účastníka

## Errors and their fixes
job-error-site-not-configured = Stránky Moodle `{ $site }` nejsou nastavené.
job-error-site-not-configured-fix = Přidejte do konfigurace blok [[moodle]] s názvem `{ $site }`.
job-error-course-missing = Kurz `{ $course }` v Moodle `{ $site }` neexistuje.
job-error-course-missing-fix = Opravte přiřazení nebo kurz v Moodle vytvořte.
job-error-no-enrol-method = Kurz `{ $course }` v Moodle `{ $site }` (id { $course_id }) nemá zapnutou metodu „Ruční zápis“.
job-error-no-enrol-method-fix = V kurzu otevřete Účastníci → Metody zápisu a zapněte „Ruční zápis“; potom úlohu zopakujte.
job-error-unknown-role = Role `{ $role }` je neznámá.
job-error-unknown-role-fix = V přiřazení použijte student, teacher, editingteacher, manager nebo id role.
job-error-account-conflict = Účty Moodle na `{ $site }` (počet: { $count }) sdílejí e-mail { $email } (id uživatelů { $user_ids }).
job-error-account-conflict-fix = Slučte je, nebo v Moodle změňte adresu všech kromě jednoho; potom úlohu zopakujte.
job-error-email-refused = Moodle `{ $site }` odmítl nový e-mail uživatele { $user_id }: { $reason }
job-error-email-refused-fix = Opravte účet v Moodle a potom úlohu zopakujte.
job-error-email-hidden = Moodle `{ $site }` odmítl vytvořit účet { $email }, ačkoli žádný účet s tímto e-mailem nebyl nalezen: { $reason }
job-error-email-hidden-fix = Uživateli tokenu nejspíš chybí oprávnění moodle/site:viewuseridentity: Moodle mu pak skrývá všechny e-maily a existující účet účastníka se nikdy nenajde. Povolte je v roli uživatele tokenu (a ponechte email v „Zobrazit identitu uživatele“); potom úlohu zopakujte.
job-error-new-user-not-returned = Moodle nevrátil nového uživatele.
job-error-new-user-not-returned-fix = Obvykle nic: úloha se zopakuje sama. Pokud byla po příliš mnoha pokusech odstavena, zopakujte ji.
job-error-account-not-created = Moodle nevytvořil účet účastníka.
job-error-account-not-created-fix = Zkontrolujte účet účastníka v Moodle a potom úlohu zopakujte.
job-error-email-not-updated = Moodle nezměnil e-mail účastníka.
job-error-email-not-updated-fix = Zkontrolujte účet účastníka v Moodle a potom úlohu zopakujte.
job-error-learner-not-looked-up = Účet účastníka v Moodle nebyl v tomto kole vyhledán.
job-error-learner-not-looked-up-fix = Obvykle nic: úloha se zopakuje sama. Pokud byla po příliš mnoha pokusech odstavena, zopakujte ji.
job-error-not-sent = Tato změna nebyla v tomto kole odeslána do Moodle.
job-error-not-sent-fix = Obvykle nic: úloha se zopakuje sama. Pokud byla po příliš mnoha pokusech odstavena, zopakujte ji.
job-error-store-failed = Naše databáze selhala: { $detail }
job-error-store-failed-fix = Zkontrolujte, že je databáze dostupná a má volné místo. Úloha se zopakuje sama; pokud byla odstavena, zopakujte ji.
job-error-moodle-unreachable = { $step } v Moodle `{ $site }` selhalo: { $detail }
job-error-moodle-unreachable-fix = Pokud to přejde, nic: úloha se opakuje s rostoucími odstupy. Pokud to trvá, zkontrolujte, že stránky běží a jsou z tohoto serveru dostupné; potom odstavenou úlohu zopakujte.
job-error-moodle-refused = { $step } v Moodle `{ $site }` selhalo: { $detail }
job-error-moodle-refused-fix = Moodle uvádí důvod v chybě výše: opravte jej v Moodle a potom úlohu zopakujte.
job-error-group-functions-missing = { $step } v Moodle `{ $site }` selhalo: { $detail }
job-error-group-functions-missing-fix = Přidejte funkce skupin kurzu (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) do externí služby tokenu a potom úlohu zopakujte.
job-error-moodle-misconfigured = { $step } v Moodle `{ $site }` selhalo: { $detail }
job-error-moodle-misconfigured-fix = Zkontrolujte URL stránek v bloku [[moodle]] a že jsou v Moodle zapnuté webové služby a protokol REST; potom úlohu zopakujte.
job-error-moodle-bad-answer = { $step } v Moodle `{ $site }` selhalo: { $detail }
job-error-moodle-bad-answer-fix = Zkontrolujte, že URL stránek vede do kořene Moodle (ne na přihlašovací stránku, proxy nebo stránku údržby); potom úlohu zopakujte.
