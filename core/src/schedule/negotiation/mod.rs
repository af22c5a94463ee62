//! Negotiation state machines.
