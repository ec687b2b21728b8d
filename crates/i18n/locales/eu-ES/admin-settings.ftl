# Ezarpenen orria (crates/web/src/admin/settings.rs).
nav-settings = Ezarpenak
settings-intro = Ezarpen hauek config.toml fitxategitik eta haren ingurune-aldagaietatik datoz. Aldatu han eta berrabiarazi zerbitzua: fitxategia da instalazio honen deskribapen bakarra. Moodle guneak, faktura-iturriak, produktuen loturak eta ziurtagiri-txantiloia hemen ere gehi daitezke, bakoitza bere orrian.
settings-yes = Bai
settings-no = Ez (desaktibatuta)
settings-unset = Ezarri gabe
settings-secret-set = Ezarrita (ezkutatuta)
