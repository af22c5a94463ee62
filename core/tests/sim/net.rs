//! A simulated network and clock: delays, reordering, loss and duplication, all seeded.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use jiff::{SignedDuration, Timestamp};
use rand09::Rng;
use rand_chacha::ChaCha8Rng;

/// Something that happens to one agent at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happening {
    /// JSON bytes from another agent, as the envelope would carry them.
    Delivery { from: usize, bytes: Vec<u8> },
    /// A timer the agent asked for.
    Timer,
    /// The owner answers an approval question.
    OwnerAnswer { approve: bool },
}

/// Pending happenings, earliest first; ties in order of scheduling so runs replay exactly.
#[derive(Debug, Default)]
pub struct Net {
    queue: BinaryHeap<Reverse<(Timestamp, u64, usize, HappeningKey)>>,
    payloads: Vec<Option<Happening>>,
    pub sent: u64,
    pub lost: u64,
}

/// Index into `payloads`, so the heap orders on time and sequence only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HappeningKey(usize);

impl Net {
    pub fn schedule(&mut self, at: Timestamp, to: usize, what: Happening) {
        let key = HappeningKey(self.payloads.len());
        self.payloads.push(Some(what));
        self.queue.push(Reverse((at, key.0 as u64, to, key)));
    }

    /// Sends `bytes` from `from` to `to`: 1 s to 5 min late, maybe lost, maybe twice.
    // The faults of one send are its arguments, so each test reads as its network.
    #[allow(clippy::too_many_arguments)]
    pub fn send(&mut self, rng: &mut ChaCha8Rng, now: Timestamp, from: usize, to: usize, bytes: Vec<u8>, loss: f64, duplication: f64) {
        self.sent += 1;
        let copies = if rng.random_bool(duplication) { 2 } else { 1 };
        for _ in 0..copies {
            if rng.random_bool(loss) {
                self.lost += 1;
                continue;
            }
            let delay = SignedDuration::from_secs(rng.random_range(1..=300));
            self.schedule(now.checked_add(delay).unwrap(), to, Happening::Delivery { from, bytes: bytes.clone() });
        }
    }

    pub fn next(&mut self) -> Option<(Timestamp, usize, Happening)> {
        let Reverse((at, _, to, key)) = self.queue.pop()?;
        Some((at, to, self.payloads[key.0].take()?))
    }
}
