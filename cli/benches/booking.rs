//! How long a booking takes end to end on loopback: from `agentnet ask` to the meeting
//! in both calendars, two agents online (`agentnet run`), the real relay in between, the
//! offline interpreter (no language model).
//!
//! `cargo bench -p agentnet --bench booking [-- ROUNDS]` prints the median and the
//! spread. Each round books the next free slot, so every round is a full negotiation.
//! Measured from the command's start to its exit: the organiser completes only after the
//! participant booked and echoed the confirmation, so both calendars have the meeting
//! when `ask --wait` returns. Includes starting the `agentnet ask` process (a few ms).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use support::{Agent, Relay, Scratch};

fn main() {
    let rounds: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(15);
    let scratch = Scratch::new("bench");
    let relay = Relay::start(&scratch.0, None);
    let mut alice = Agent::init(&scratch.0, "Alice", "Europe/Berlin", &relay.url);
    let mut bob = Agent::init(&scratch.0, "Bob", "Europe/Berlin", &relay.url);
    alice.start();
    bob.start();
    alice.connect(&bob, "auto");
    let mut times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let start = Instant::now();
        let answer = alice.json(&["ask", "find 30 minutes with Bob next week", "--wait", "30"]);
        let took = start.elapsed();
        assert_eq!(answer["negotiation"]["state"], "COMPLETED", "round {round}: {answer}");
        times.push(took);
    }
    let booked = bob.events().len();
    assert_eq!(booked, rounds, "Bob's calendar has {booked} of {rounds} meetings");
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "booking, ask to both calendars, {rounds} rounds: median {:.0} ms, min {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        ms(times[rounds / 2]),
        ms(times[0]),
        ms(times[(rounds * 9 / 10).min(rounds - 1)]),
        ms(times[rounds - 1])
    );
}
