# La página de configuración (español de Chile; crates/web/src/admin/settings.rs).
nav-settings = Configuración
settings-intro = Esta configuración procede de config.toml y de sus variables de entorno. Cámbiela allí y reinicie el servicio: el archivo sigue siendo la única descripción de esta instalación. Los sitios de Moodle, los orígenes de facturas, las asociaciones de productos y la plantilla de certificado también se pueden agregar aquí, cada uno en su propia página.
settings-yes = Sí
settings-no = No (desactivado)
settings-unset = Sin definir
settings-secret-set = Definido (oculto)
