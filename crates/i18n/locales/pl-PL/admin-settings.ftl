# Strona ustawień (crates/web/src/admin/settings.rs).
nav-settings = Ustawienia
settings-intro = Te ustawienia pochodzą z config.toml i jego zmiennych środowiskowych. Zmień je tam i uruchom ponownie usługę: plik pozostaje jedynym opisem tej instalacji. Witryny Moodle, źródła faktur, powiązania produktów i szablon certyfikatu można też dodać tutaj, na osobnych stronach.
settings-yes = Tak
settings-no = Nie (wyłączone)
settings-unset = Nie ustawiono
settings-secret-set = Ustawiono (ukryte)
