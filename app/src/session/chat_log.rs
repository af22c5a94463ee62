//! The lines of the conversation between the owner and their agent.

/// Who said a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Speaker {
    /// The owner typed it.
    Owner,
    /// The agent answered.
    Agent,
    /// The agent asked a question; the owner's next line answers it.
    Question,
    /// The command failed; the text says why.
    Error,
}

/// One line of the chat.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChatLine {
    /// Who.
    pub(crate) from: Speaker,
    /// What.
    pub(crate) text: String,
    /// The negotiation the answer started, to link to.
    pub(crate) negotiation: Option<String>,
    /// What the agent understood, in one line, with the command it came from (to put
    /// back in the box when the owner corrects it).
    pub(crate) understood: Option<(String, String)>,
}
