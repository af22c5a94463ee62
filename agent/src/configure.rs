//! The owner changing how their agent works: settings, the language model, and what
//! their calendar holds.

use agentnet_core::schedule::SharedHours;
use agentnet_platform::store::Store;

use crate::{Agent, AgentError, LanguageModel, Settings};

impl<S: Store + 'static> Agent<S> {
    /// Changes the owner's settings (preferences, name, default policy); returns them as
    /// saved. A refused change saves nothing. When the working day contacts see changes
    /// (hours or home zone), they are sent a fresh card.
    pub async fn update_settings(&self, change: impl FnOnce(&mut Settings) -> Result<(), AgentError>) -> Result<Settings, AgentError> {
        let keys = self.keys.lock().await;
        let mut settings = self.records.preferences.get();
        let shown = SharedHours::of(&settings.preferences());
        change(&mut settings)?;
        self.records.preferences.save(settings.clone()).await?;
        if SharedHours::of(&settings.preferences()) != shown {
            self.send_cards(&keys).await?;
        }
        Ok(settings)
    }

    /// Checks, saves and starts using `choice`: the next [`Agent::ask`] goes through it.
    /// A refused choice changes nothing, neither what is stored nor what answers.
    pub async fn set_language_model(&self, choice: LanguageModel) -> Result<(), AgentError> {
        let understand = choice.understand()?;
        let _keys = self.keys.lock().await;
        self.records.preferences.save_language_model(&choice).await?;
        *self.understand.lock().await = understand;
        Ok(())
    }

    /// Imports an ICS file into the local calendar; returns how many events it held.
    pub async fn import_ics(&self, text: &str) -> Result<usize, AgentError> {
        let _keys = self.keys.lock().await;
        self.records.calendar.import_ics(text).await
    }
}
