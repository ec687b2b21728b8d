# The settings page (crates/web/src/admin/settings.rs).
nav-settings = Settings
settings-intro = These settings come from config.toml and its environment variables. Change them there and restart the service: the file stays the one description of this installation. Moodle sites, invoice sources, mappings and the certificate template can also be added here, on their own pages.
settings-yes = Yes
settings-no = No (off)
settings-unset = Not set
settings-secret-set = Set (hidden)
