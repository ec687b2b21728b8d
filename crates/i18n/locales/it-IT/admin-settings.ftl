# La pagina delle impostazioni (crates/web/src/admin/settings.rs).
nav-settings = Impostazioni
settings-intro = Queste impostazioni provengono da config.toml e dalle relative variabili d’ambiente. Le modifichi lì e riavvii il servizio: il file resta l’unica descrizione di questa installazione. Siti Moodle, origini delle fatture, associazioni dei prodotti e modello di attestato si possono aggiungere anche qui, ciascuno nella propria pagina.
settings-yes = Sì
settings-no = No (disattivato)
settings-unset = Non impostato
settings-secret-set = Impostato (nascosto)
