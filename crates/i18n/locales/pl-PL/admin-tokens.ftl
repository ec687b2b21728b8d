# Tokeny API (crates/web/src/admin/tokens.rs).
nav-tokens = Tokeny API
tokens-intro = Token pozwala skryptowi korzystać z API jako `Authorization: Bearer <token>`. Jest wyświetlany tylko raz, przy tworzeniu; przechowywany jest wyłącznie jego odcisk. Zakres określa, co token może robić.
tokens-made = Utworzono token „{ $name }”. Skopiuj go teraz: nie zostanie już ponownie wyświetlony.
tokens-name = Nazwa
tokens-scope = Zakres
tokens-scope-read = Odczyt (wszystkie listy i strony)
tokens-scope-write = Zapis (także to, co robi operator)
tokens-scope-admin = Administracja (wszystko)
tokens-prefix = Zaczyna się od
tokens-created = Utworzono
tokens-expires = Wygasa
tokens-expires-days = Wygasa po (liczba dni; puste = nigdy)
tokens-last-used = Ostatnie użycie
tokens-never = Nigdy
tokens-never-used = Jeszcze nieużywany
tokens-standing-live = Aktywny
tokens-standing-expired = Wygasły
tokens-standing-revoked = Unieważniony
tokens-revoke = Unieważnij
tokens-create = Utwórz token
tokens-error-invalid-name = Nazwa tokenu może mieć od 1 do 100 liter, cyfr, spacji, - i _.
tokens-error-name-taken = Token o tej nazwie już istnieje: unieważnij go lub wybierz inną nazwę.
tokens-error-not-found = Nie ma aktywnego tokenu o tej nazwie.
tokens-error-internal = Coś zawiodło po naszej stronie.
