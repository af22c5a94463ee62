//! Moving a booked meeting: the organiser asks the same people for a new time under the
//! same rules; the booking stays where it is until a new time is agreed, and stays for
//! good if none is (core's organiser keeps it). A participant answers a move with its
//! calendar as it is now, not as it was when the meeting was first arranged.

use agentnet_core::protocol::Act;
use agentnet_platform::rt::now;
use agentnet_platform::store::Store;

use crate::negotiation::{Input, Side};
use crate::organise::answer_window;
use crate::slots::Within;
use crate::{Agent, AgentError, Keys, Negotiation, Outcome};

impl<S: Store + 'static> Agent<S> {
    /// Asks everyone in the booked meeting `id` for a new time within `within`.
    pub(crate) async fn reschedule(&self, id: &str, within: &Within) -> Result<(Negotiation, Outcome), AgentError> {
        let keys = self.keys.lock().await;
        let mut n = self.records.negotiations.find(id).await?;
        if n.side != Side::Organiser || n.booked.is_none() || n.state != agentnet_core::protocol::TaskState::Completed {
            return Err(AgentError::NotMovable { id: n.id });
        }
        let minutes = n.meeting.duration_minutes;
        let (availability, candidates) = self.owner_slots(within, minutes).await?;
        let input = Input::Moved { free: availability.free().as_slice().to_vec(), candidates, minutes, now: now() };
        let outcome = self.advance(&keys, &mut n, input).await?;
        drop(keys);
        self.deliver_held().await?;
        Ok((n, outcome))
    }

    /// Before a participant answers a move, its machine learns the owner's calendar as it
    /// is now (the meeting may have been booked weeks ago).
    pub(crate) async fn refresh_for_move(&self, keys: &Keys, n: &mut Negotiation, act: &Act) -> Result<(), AgentError> {
        let Act::Reschedule { slots, .. } = act else { return Ok(()) };
        if n.side != Side::Participant {
            return Ok(());
        }
        let Some(window) = answer_window(slots) else { return Ok(()) };
        let minutes = n.meeting.duration_minutes;
        let (availability, candidates) = self.owner_slots(&Within::anywhere(window), minutes).await?;
        self.advance(keys, n, Input::Refreshed { free: availability.free().as_slice().to_vec(), candidates, minutes }).await?;
        Ok(())
    }
}
