# A página de definições (crates/web/src/admin/settings.rs).
nav-settings = Definições
settings-intro = Estas definições provêm do config.toml e das respetivas variáveis de ambiente. Altere-as aí e reinicie o serviço: o ficheiro continua a ser a única descrição desta instalação. Os sites Moodle, as origens de faturas, as associações de produtos e o modelo de certificado também podem ser adicionados aqui, cada um na sua própria página.
settings-yes = Sim
settings-no = Não (desativado)
settings-unset = Não definido
settings-secret-set = Definido (oculto)
