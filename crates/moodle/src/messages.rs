//! Instant messages (`core_message_send_instant_messages`). Never idempotent (every call creates
//! a message), so never retried automatically.

use serde::{Deserialize, Serialize};

use crate::error::MoodleError;
use crate::form::Form;
use crate::transport::{Mode, MoodleClient};

/// A message to send from the token user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstantMessage {
    /// Recipient.
    pub touserid: i64,
    /// Text.
    pub text: String,
    /// Text format (0 Moodle, 1 HTML, 2 plain, 4 markdown); `None` = Moodle's default.
    pub textformat: Option<i64>,
    /// Our id, echoed back (alphanumeric).
    pub clientmsgid: Option<String>,
}

/// Per-message result, in input order; `msgid == -1` with `errormessage` on failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentMessage {
    /// Message id, `-1` when not sent.
    pub msgid: i64,
    /// Echoed client id.
    #[serde(default)]
    pub clientmsgid: Option<String>,
    /// Why it was not sent.
    #[serde(default)]
    pub errormessage: Option<String>,
    /// Formatted text.
    #[serde(default)]
    pub text: Option<String>,
    /// Created at.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub timecreated: Option<i64>,
    /// Conversation.
    #[serde(default, deserialize_with = "crate::de::opt_int")]
    pub conversationid: Option<i64>,
}

impl SentMessage {
    /// Was it delivered?
    pub fn is_sent(&self) -> bool {
        self.msgid > 0
    }
}

impl MoodleClient {
    /// Send messages (one request, no retry).
    pub async fn send_instant_messages(&self, messages: &[InstantMessage]) -> Result<Vec<SentMessage>, MoodleError> {
        let mut f = Form::new();
        for (i, m) in messages.iter().enumerate() {
            let mut s = f.item("messages", i);
            s.int("touserid", m.touserid).text("text", m.text.as_str());
            if let Some(tf) = m.textformat {
                s.int("textformat", tf);
            }
            s.opt_text("clientmsgid", m.clientmsgid.as_deref());
        }
        self.call("core_message_send_instant_messages", &f, Mode::Once).await
    }
}
