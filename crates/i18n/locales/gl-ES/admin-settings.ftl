# A páxina de configuración (crates/web/src/admin/settings.rs).
nav-settings = Configuración
settings-intro = Esta configuración procede de config.toml e das súas variables de contorno. Cámbiea alí e reinicie o servizo: o ficheiro segue a ser a única descrición desta instalación. Os sitios de Moodle, as orixes de facturas, as asociacións de produtos e o modelo de certificado tamén se poden engadir aquí, cada un na súa propia páxina.
settings-yes = Si
settings-no = Non (desactivado)
settings-unset = Sen definir
settings-secret-set = Definido (oculto)
