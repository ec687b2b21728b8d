# La pàgina de configuració (crates/web/src/admin/settings.rs).
nav-settings = Configuració
settings-intro = Esta configuració prové de config.toml i de les seues variables d’entorn. Canvie-la allí i reinicie el servei: el fitxer continua sent l’única descripció d’esta instal·lació. Els llocs Moodle, els orígens de factures, les associacions de productes i la plantilla de certificat també es poden afegir ací, cadascun en la seua pàgina.
settings-yes = Sí
settings-no = No (desactivat)
settings-unset = Sense definir
settings-secret-set = Definit (ocult)
