# La pàgina de configuració (crates/web/src/admin/settings.rs).
nav-settings = Configuració
settings-intro = Aquesta configuració prové de config.toml i de les seves variables d’entorn. Canviï-la allà i reiniciï el servei: el fitxer continua sent l’única descripció d’aquesta instal·lació. Els llocs Moodle, els orígens de factures, les associacions de productes i la plantilla de certificat també es poden afegir aquí, cadascun a la seva pàgina.
settings-yes = Sí
settings-no = No (desactivat)
settings-unset = Sense definir
settings-secret-set = Definit (ocult)
