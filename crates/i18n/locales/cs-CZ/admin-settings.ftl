# Stránka nastavení (crates/web/src/admin/settings.rs).
nav-settings = Nastavení
settings-intro = Tato nastavení pocházejí z config.toml a jeho proměnných prostředí. Změňte je tam a restartujte službu: soubor zůstává jediným popisem této instalace. Weby Moodle, zdroje faktur, přiřazení produktů a šablonu osvědčení lze přidat i zde, a to na samostatných stránkách.
settings-yes = Ano
settings-no = Ne (vypnuto)
settings-unset = Nenastaveno
settings-secret-set = Nastaveno (skryto)
