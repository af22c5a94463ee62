//! Driving the agent: act on what arrives and on the machines' timers, until dropped.

use std::pin::pin;
use std::time::Duration;

use agentnet_platform::rt::{now, sleep};
use agentnet_platform::store::Store;
use futures_util::future::select;
use jiff::Timestamp;

use crate::negotiation::Input;
use crate::{Agent, AgentError};

/// The longest the loop sleeps without looking (prekey rotation, clock changes).
const MAX_IDLE: Duration = Duration::from_secs(60);

/// Whether something last tried at `last_attempt_ms` (never: `None`) is due again after
/// `every` (the calendars' periodic syncs).
pub(crate) fn due(last_attempt_ms: Option<i64>, every: Duration) -> bool {
    last_attempt_ms.is_none_or(|at| now().as_millisecond().saturating_sub(at) >= i64::try_from(every.as_millis()).unwrap_or(i64::MAX))
}

impl<S: Store + 'static> Agent<S> {
    /// Acts on inbound messages and timers forever, pulls the connected calendars'
    /// changes every few minutes and writes the bookings into them (a failure is shown to
    /// the owner, never fatal). Returns only on a store failure.
    pub async fn run(&self) -> Result<(), AgentError> {
        loop {
            self.process_inbox().await?;
            self.sync_google_when_due().await;
            self.sync_caldav_when_due().await;
            let next = self.tick().await?;
            // After everything this turn booked, moved or cancelled (inbox, timers).
            self.write_back_when_due().await?;
            let wait = next
                .map(|due| Duration::try_from(due.duration_since(now())).unwrap_or(Duration::ZERO))
                .unwrap_or(MAX_IDLE)
                .min(MAX_IDLE);
            if wait.is_zero() {
                continue;
            }
            // A booking made, moved or cancelled by a command wakes the loop to write it back.
            let mut changes = self.records.changes.subscribe();
            let changed = async move { changes.changed().await.map_err(drop) };
            select(pin!(self.inbox.notified()), select(pin!(changed), pin!(sleep(wait)))).await;
        }
    }

    /// Rotates prekeys when due and feeds due timers; returns when the next one is due.
    pub async fn tick(&self) -> Result<Option<Timestamp>, AgentError> {
        let mut keys = self.keys.lock().await;
        self.rotate_prekeys(&mut keys).await?;
        let at = now();
        for mut n in self.records.negotiations.due(at).await? {
            n.timer = None;
            // Saving the negotiation re-arms (or drops) its timer in the index.
            self.advance(&keys, &mut n, Input::Tick { now: at }).await?;
        }
        drop(keys);
        self.deliver_held().await?;
        Ok(self.records.negotiations.next_due())
    }
}
