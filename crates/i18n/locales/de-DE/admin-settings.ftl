# Die Seite mit den Einstellungen (crates/web/src/admin/settings.rs).
nav-settings = Einstellungen
settings-intro = Diese Einstellungen stammen aus config.toml und den zugehörigen Umgebungsvariablen. Ändern Sie sie dort und starten Sie den Dienst neu: Die Datei bleibt die einzige Beschreibung dieser Installation. Moodle-Websites, Rechnungsquellen, Produktzuordnungen und die Zertifikatsvorlage können auch hier hinzugefügt werden, jeweils auf einer eigenen Seite.
settings-yes = Ja
settings-no = Nein (aus)
settings-unset = Nicht festgelegt
settings-secret-set = Festgelegt (verborgen)
