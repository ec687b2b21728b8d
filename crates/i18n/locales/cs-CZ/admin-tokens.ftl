# API tokeny (crates/web/src/admin/tokens.rs).
nav-tokens = API tokeny
tokens-intro = Token umožňuje skriptu používat API jako `Authorization: Bearer <token>`. Zobrazí se jen jednou, při vytvoření; uchovává se pouze jeho otisk. Rozsah určuje, co token smí dělat.
tokens-made = Token „{ $name }“ byl vytvořen. Zkopírujte si ho hned: znovu se už nezobrazí.
tokens-name = Název
tokens-scope = Rozsah
tokens-scope-read = Čtení (všechny seznamy a stránky)
tokens-scope-write = Zápis (i to, co dělá operátor)
tokens-scope-admin = Správa (vše)
tokens-prefix = Začíná na
tokens-created = Vytvořeno
tokens-expires = Platnost do
tokens-expires-days = Platnost ve dnech (prázdné = neomezená)
tokens-last-used = Naposledy použito
tokens-never = Nikdy
tokens-never-used = Zatím nepoužito
tokens-standing-live = Platný
tokens-standing-expired = Po platnosti
tokens-standing-revoked = Zrušený
tokens-revoke = Zrušit platnost
tokens-create = Vytvořit token
tokens-error-invalid-name = Název tokenu smí mít 1 až 100 písmen, číslic, mezer, - a _.
tokens-error-name-taken = Token s tímto názvem už existuje: zrušte jeho platnost, nebo zvolte jiný název.
tokens-error-not-found = Žádný platný token s tímto názvem neexistuje.
tokens-error-internal = Na naší straně něco selhalo.
