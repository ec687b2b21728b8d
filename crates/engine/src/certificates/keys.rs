//! The Ed25519 keys certificates are signed with: made at first need (or by `certificate
//! keygen`), kept in the store with the secret sealed under the configured secrets key, never
//! deleted (an old key keeps verifying what it signed).

use crate::engine::Engine;
use anyhow::{Context, anyhow};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mm_credential::{KeySet, PublicKey, SigningKey};
use mm_store::StoredSigningKey;
use secrecy::ExposeSecret;

/// The keys as loaded: the one that signs now, and every one that verifies.
pub struct Keys {
    /// Every key ever made, newest first.
    all: Vec<SigningKey>,
    /// Which of `all` signs now.
    signing: usize,
    pub public: KeySet,
}

impl Keys {
    /// The key new certificates are signed with.
    pub fn signing(&self) -> &SigningKey {
        &self.all[self.signing]
    }

    pub fn by_kid(&self, kid: &str) -> Option<&SigningKey> {
        self.all.iter().find(|k| k.kid() == kid)
    }
}

impl Engine {
    /// The signing keys, made on first need. Two replicas starting at once make one: the one
    /// that loses the insert reads the winner's.
    pub async fn certificate_keys(&self) -> anyhow::Result<&Keys> {
        self.certs
            .keys
            .get_or_try_init(|| async {
                if self.store.signing_keys().await?.iter().all(|k| k.retired_at.is_some()) {
                    self.add_signing_key(false).await?;
                }
                self.load_keys().await
            })
            .await
    }

    /// `certificate keygen`: a new key that signs from now on; the old ones keep verifying.
    /// Returns its kid. A running service picks it up at its next start.
    pub async fn rotate_signing_key(&self) -> anyhow::Result<String> {
        self.add_signing_key(true).await
    }

    async fn add_signing_key(&self, replace: bool) -> anyhow::Result<String> {
        let key = SigningKey::generate();
        let secret = URL_SAFE_NO_PAD.encode(key.secret_bytes().as_slice());
        let secret = match &self.config.secret_key {
            Some(sealing) => sealing.seal(&secret).context("sealing the certificate signing key")?,
            None => secret,
        };
        let stored = StoredSigningKey {
            kid: key.kid().to_string(),
            public_key: URL_SAFE_NO_PAD.encode(key.public().to_bytes()),
            secret,
            created_at: self.now(),
            retired_at: None,
        };
        self.store.add_signing_key(&stored, replace).await?;
        Ok(stored.kid)
    }

    async fn load_keys(&self) -> anyhow::Result<Keys> {
        let stored = self.store.signing_keys().await?;
        let mut all = Vec::new();
        for k in &stored {
            all.push(self.open_signing_key(k)?);
        }
        let signing_kid = stored
            .iter()
            .find(|k| k.retired_at.is_none())
            .map(|k| k.kid.clone())
            .ok_or_else(|| {
                anyhow!("no active certificate signing key; make one with `moodle-management certificate keygen`")
            })?;
        let public = KeySet::new(all.iter().map(SigningKey::public).collect::<Vec<PublicKey>>());
        let signing = all
            .iter()
            .position(|k| k.kid() == signing_kid)
            .ok_or_else(|| anyhow!("the active signing key {signing_kid} could not be opened"))?;
        Ok(Keys { signing, all, public })
    }

    pub(crate) fn open_signing_key(&self, k: &StoredSigningKey) -> anyhow::Result<SigningKey> {
        let text = if mm_net::sealed::is_sealed(&k.secret) {
            let Some(sealing) = &self.config.secret_key else {
                return Err(anyhow!(
                    "certificate signing key {} is sealed, but no secrets key is configured: set MM_SECRET_KEY \
                     (or MM_SECRET_KEY_FILE / [secrets] key_file) to the key it was sealed with",
                    k.kid
                ));
            };
            let opened = sealing
                .open(&k.secret)
                .with_context(|| format!("opening certificate signing key {}", k.kid))?;
            opened.expose_secret().to_string()
        } else {
            k.secret.clone()
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .with_context(|| format!("certificate signing key {} is not base64", k.kid))?;
        SigningKey::from_bytes(&bytes).with_context(|| format!("certificate signing key {}", k.kid))
    }
}
