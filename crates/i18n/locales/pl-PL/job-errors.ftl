# Why a job failed and how to fix it, by the error's stable code (crates/engine/src/job_error.rs).
# `job-error-<code>` says what went wrong, `job-error-<code>-fix` what to do.

## Labels
job-error-details = Szczegóły (po angielsku):

## What Moodle was asked to do when it failed ($step of the Moodle errors)
job-step-look-up-course = Wyszukiwanie kursu
job-step-read-enrolments = Odczyt zapisów na kurs
job-step-enrol = Zapis na kurs
job-step-unenrol = Wypisanie z kursu
job-step-find-or-create-group = Wyszukiwanie lub tworzenie grupy `{ $group }`
job-step-join-group = Dodawanie uczestnika do grupy kursu
job-step-look-up-learners = Wyszukiwanie uczestników
job-step-look-up-learner = Wyszukiwanie uczestnika
job-step-create-accounts = Tworzenie kont uczestników
job-step-create-account = Tworzenie konta uczestnika
job-step-update-email = Zmiana adresu e-mail uczestnika

## Errors and their fixes
job-error-site-not-configured = Serwis Moodle `{ $site }` nie jest skonfigurowany.
job-error-site-not-configured-fix = Dodaj do konfiguracji blok [[moodle]] o nazwie `{ $site }`.
job-error-course-missing = Kurs `{ $course }` nie istnieje w Moodle `{ $site }`.
job-error-course-missing-fix = Popraw powiązanie albo utwórz kurs w Moodle.
job-error-no-enrol-method = Kurs `{ $course }` w Moodle `{ $site }` (id { $course_id }) nie ma włączonej metody „Zapisy ręczne”.
job-error-no-enrol-method-fix = W kursie otwórz Uczestnicy → Metody zapisów i włącz „Zapisy ręczne”, potem ponów zadanie.
job-error-unknown-role = Rola `{ $role }` jest nieznana.
job-error-unknown-role-fix = Użyj w powiązaniu student, teacher, editingteacher, manager albo id roli.
job-error-account-conflict = Konta Moodle w `{ $site }` (liczba: { $count }) mają ten sam adres e-mail { $email } (id użytkowników { $user_ids }).
job-error-account-conflict-fix = Scal je albo zmień w Moodle adres wszystkich poza jednym, potem ponów zadanie.
job-error-email-refused = Moodle `{ $site }` odrzucił nowy adres e-mail użytkownika { $user_id }: { $reason }
job-error-email-refused-fix = Popraw konto w Moodle, potem ponów zadanie.
job-error-email-hidden = Moodle `{ $site }` odmówił utworzenia konta { $email }, choć nie znaleziono konta z tym adresem: { $reason }
job-error-email-hidden-fix = Najpewniej użytkownik tokenu nie ma uprawnienia moodle/site:viewuseridentity: Moodle ukrywa wtedy przed nim wszystkie adresy e-mail i istniejące konto uczestnika nigdy nie zostaje znalezione. Zezwól na nie w roli użytkownika tokenu (i zostaw email w „Pokaż tożsamość użytkownika”), potem ponów zadanie.
job-error-new-user-not-returned = Moodle nie zwrócił nowego użytkownika.
job-error-new-user-not-returned-fix = Zwykle nic: zadanie ponawia się samo. Jeśli zostało odłożone po zbyt wielu próbach, ponów je.
job-error-account-not-created = Moodle nie utworzył konta uczestnika.
job-error-account-not-created-fix = Sprawdź konto uczestnika w Moodle, potem ponów zadanie.
job-error-email-not-updated = Moodle nie zmienił adresu e-mail uczestnika.
job-error-email-not-updated-fix = Sprawdź konto uczestnika w Moodle, potem ponów zadanie.
job-error-learner-not-looked-up = Konto Moodle uczestnika nie zostało wyszukane w tej rundzie.
job-error-learner-not-looked-up-fix = Zwykle nic: zadanie ponawia się samo. Jeśli zostało odłożone po zbyt wielu próbach, ponów je.
job-error-not-sent = Ta zmiana nie została wysłana do Moodle w tej rundzie.
job-error-not-sent-fix = Zwykle nic: zadanie ponawia się samo. Jeśli zostało odłożone po zbyt wielu próbach, ponów je.
job-error-store-failed = Nasza baza danych zawiodła: { $detail }
job-error-store-failed-fix = Sprawdź, czy baza danych jest osiągalna i ma wolne miejsce. Zadanie ponawia się samo; jeśli zostało odłożone, ponów je.
job-error-moodle-unreachable = { $step } w Moodle `{ $site }` nie powiodło się: { $detail }
job-error-moodle-unreachable-fix = Jeśli to minie, nic: zadanie jest ponawiane w coraz dłuższych odstępach. Jeśli trwa, sprawdź, czy serwis działa i jest osiągalny z tego serwera; potem ponów odłożone zadanie.
job-error-moodle-refused = { $step } w Moodle `{ $site }` nie powiodło się: { $detail }
job-error-moodle-refused-fix = Moodle podaje przyczynę w błędzie powyżej: usuń ją w Moodle, potem ponów zadanie.
job-error-group-functions-missing = { $step } w Moodle `{ $site }` nie powiodło się: { $detail }
job-error-group-functions-missing-fix = Dodaj funkcje grup kursu (core_group_get_course_groups, core_group_create_groups, core_group_add_group_members) do usługi zewnętrznej tokenu, potem ponów zadanie.
job-error-moodle-misconfigured = { $step } w Moodle `{ $site }` nie powiodło się: { $detail }
job-error-moodle-misconfigured-fix = Sprawdź adres URL serwisu w bloku [[moodle]] oraz czy usługi sieciowe i protokół REST są włączone w Moodle, potem ponów zadanie.
job-error-moodle-bad-answer = { $step } w Moodle `{ $site }` nie powiodło się: { $detail }
job-error-moodle-bad-answer-fix = Sprawdź, czy adres URL serwisu wskazuje katalog główny Moodle (a nie stronę logowania, proxy lub stronę konserwacji), potem ponów zadanie.
