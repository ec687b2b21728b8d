# La page des paramètres (crates/web/src/admin/settings.rs).
nav-settings = Paramètres
settings-intro = Ces paramètres proviennent de config.toml et de ses variables d’environnement. Modifiez-les là-bas et redémarrez le service : le fichier reste la seule description de cette installation. Les sites Moodle, les sources de factures, les associations de produits et le modèle de certificat peuvent aussi être ajoutés ici, chacun sur sa propre page.
settings-yes = Oui
settings-no = Non (désactivé)
settings-unset = Non défini
settings-secret-set = Défini (masqué)
