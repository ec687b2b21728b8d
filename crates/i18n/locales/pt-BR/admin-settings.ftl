# A página de configurações (crates/web/src/admin/settings.rs).
nav-settings = Configurações
settings-intro = Estas configurações vêm do config.toml e das variáveis de ambiente dele. Altere-as lá e reinicie o serviço: o arquivo continua sendo a única descrição desta instalação. Sites do Moodle, origens de faturas, associações de produtos e o modelo de certificado também podem ser adicionados aqui, cada um em sua própria página.
settings-yes = Sim
settings-no = Não (desativado)
settings-unset = Não definido
settings-secret-set = Definido (oculto)
