//! agentnet-core: the pure heart of agentnet.
//!
//! Everything here is sans-I/O: no sockets, files, clocks or async runtime. Callers
//! pass time and randomness in, so the same code runs natively, in the browser
//! (wasm32) and inside deterministic simulations.
//!
//! # Alice sends Bob a sealed message
//!
//! ```
//! use agentnet_core::crypto::{envelope, prekey, replay::SeenIds};
//! use agentnet_core::identity::{Keypair, SafetyNumber};
//!
//! let mut rng = rand::rng(); // any `rand_core::CryptoRng`
//! let now = 1_767_225_600; // unix seconds, from the caller's clock
//!
//! // Bob creates an identity and a prekey ring, and publishes the bundle via the relay.
//! let bob = Keypair::generate(&mut rng);
//! let mut bob_ring = prekey::Ring::new(&bob, now, &mut rng);
//! let published = bob_ring.bundle(&bob).to_bytes();
//!
//! // Alice fetches and checks Bob's bundle, then seals to it.
//! let alice = Keypair::generate(&mut rng);
//! let bundle = prekey::Bundle::from_bytes(&published)?;
//! bundle.verify(now)?;
//! let id = envelope::MessageId::random(&mut rng);
//! let sealed = envelope::seal(&alice, &bundle, id, now, b"Tuesday 3pm?", &mut rng)?;
//!
//! // The relay sees only the header. Bob opens, and learns who sent it.
//! let mut seen = SeenIds::default();
//! let opened = envelope::open(&mut bob_ring, sealed.as_bytes(), now + 2, &mut seen)?;
//! assert_eq!(opened.sender, alice.agent_id());
//! assert_eq!(opened.plaintext, b"Tuesday 3pm?");
//!
//! // A second delivery of the same envelope is refused.
//! assert!(envelope::open(&mut bob_ring, sealed.as_bytes(), now + 3, &mut seen).is_err());
//!
//! // Both owners see the same safety number and can compare it out of band.
//! assert_eq!(
//!     SafetyNumber::new(&alice.agent_id(), &bob.agent_id()),
//!     SafetyNumber::new(&bob.agent_id(), &alice.agent_id()),
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// The version of the client <-> relay wire protocol this crate speaks
/// (the first byte of every frame; see [`wire::Version`]).
pub const WIRE_VERSION: u8 = wire::Version::CURRENT as u8;

/// The product name, shown by every front end.
pub const PRODUCT: &str = "agentnet";

pub mod crypto;
pub mod identity;
pub mod nlu;
pub mod protocol;
pub mod schedule;
pub mod text;
pub mod transcript;
pub mod wire;
