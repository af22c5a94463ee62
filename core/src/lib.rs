//! agentnet-core: the pure heart of agentnet.
//!
//! Everything here is sans-I/O: no sockets, files, clocks or async runtime. Callers
//! pass time and randomness in, so the same code runs natively, in the browser
//! (wasm32) and inside deterministic simulations.

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
pub mod transcript;
pub mod wire;
