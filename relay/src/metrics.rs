//! A small Prometheus registry of atomics: counters, gauges and one latency histogram.
//!
//! Hand-rolled instead of `metrics` + exporter: the relay needs a dozen series, and
//! atomics on the hot path cost less than a recorder lookup per frame.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Upper bounds of the routing-latency buckets, in microseconds.
const LATENCY_BUCKETS_US: [u64; 12] = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 1_000_000];

/// The relay's metrics. All counters are monotonic; gauges may go down.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    pub(crate) connections: AtomicI64,
    pub(crate) authenticated: AtomicI64,
    pub(crate) connections_total: AtomicU64,
    pub(crate) frames_in: AtomicU64,
    pub(crate) frames_out: AtomicU64,
    pub(crate) bytes_in: AtomicU64,
    pub(crate) bytes_out: AtomicU64,
    pub(crate) messages_routed: AtomicU64,
    pub(crate) messages_queued: AtomicU64,
    pub(crate) errors_sent: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) slow_consumers: AtomicU64,
    pub(crate) write_timeouts: AtomicU64,
    pub(crate) auth_failures: AtomicU64,
    pub(crate) mailbox_messages: AtomicI64,
    /// What in-memory mailboxes hold, entries and bookkeeping, against the budget.
    pub(crate) mailbox_bytes: AtomicI64,
    pub(crate) mailbox_budget_bytes: AtomicI64,
    pub(crate) send_queue_depth: AtomicI64,
    latency: [AtomicU64; 13],
    latency_sum_us: AtomicU64,
}

impl Metrics {
    /// Records the time from a Send arriving to its Ack being written.
    pub(crate) fn observe_route_latency(&self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let i = LATENCY_BUCKETS_US.iter().position(|b| us <= *b).unwrap_or(LATENCY_BUCKETS_US.len());
        self.latency[i].fetch_add(1, Relaxed);
        self.latency_sum_us.fetch_add(us, Relaxed);
    }

    /// Prometheus text exposition format 0.0.4.
    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(2048);
        let mut one = |name: &str, kind: &str, help: &str, v: i64| {
            let _ = writeln!(out, "# HELP agentnet_relay_{name} {help}\n# TYPE agentnet_relay_{name} {kind}\nagentnet_relay_{name} {v}");
        };
        let c = |a: &AtomicU64| a.load(Relaxed) as i64;
        one("connections", "gauge", "Open WebSocket connections.", self.connections.load(Relaxed));
        one("authenticated_connections", "gauge", "Connections past Auth.", self.authenticated.load(Relaxed));
        one("connections_total", "counter", "WebSocket connections accepted.", c(&self.connections_total));
        one("frames_in_total", "counter", "Frames received from clients.", c(&self.frames_in));
        one("frames_out_total", "counter", "Frames sent to clients.", c(&self.frames_out));
        one("bytes_in_total", "counter", "Frame bytes received.", c(&self.bytes_in));
        one("bytes_out_total", "counter", "Frame bytes sent.", c(&self.bytes_out));
        one("messages_routed_total", "counter", "Sends handed to a live recipient connection.", c(&self.messages_routed));
        one("messages_queued_total", "counter", "Sends kept for an offline recipient.", c(&self.messages_queued));
        one("errors_sent_total", "counter", "Error frames sent.", c(&self.errors_sent));
        one("rate_limited_total", "counter", "Frames refused by a rate limit.", c(&self.rate_limited));
        one("slow_consumers_total", "counter", "Connections dropped for a full send queue.", c(&self.slow_consumers));
        one("write_timeouts_total", "counter", "Connections dropped because a write did not complete within RELAY_WRITE_TIMEOUT_SECS.", c(&self.write_timeouts));
        one("auth_failures_total", "counter", "Failed authentications.", c(&self.auth_failures));
        one("mailbox_messages", "gauge", "Messages waiting in in-memory mailboxes.", self.mailbox_messages.load(Relaxed));
        one("mailbox_bytes", "gauge", "Bytes held by in-memory mailboxes.", self.mailbox_bytes.load(Relaxed));
        one("mailbox_budget_bytes", "gauge", "The most in-memory mailboxes may hold (RELAY_MAILBOX_TOTAL_BYTES).", self.mailbox_budget_bytes.load(Relaxed));
        one("send_queue_depth", "gauge", "Frames waiting in connection send queues.", self.send_queue_depth.load(Relaxed));
        let _ = writeln!(
            out,
            "# HELP agentnet_relay_route_latency_seconds Send received to Ack written.\n# TYPE agentnet_relay_route_latency_seconds histogram"
        );
        let mut cumulative = 0;
        for (i, bound) in LATENCY_BUCKETS_US.iter().enumerate() {
            cumulative += self.latency[i].load(Relaxed);
            let _ = writeln!(out, "agentnet_relay_route_latency_seconds_bucket{{le=\"{}\"}} {cumulative}", *bound as f64 / 1e6);
        }
        cumulative += self.latency[LATENCY_BUCKETS_US.len()].load(Relaxed);
        let _ = writeln!(out, "agentnet_relay_route_latency_seconds_bucket{{le=\"+Inf\"}} {cumulative}");
        let _ = writeln!(out, "agentnet_relay_route_latency_seconds_sum {}", self.latency_sum_us.load(Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "agentnet_relay_route_latency_seconds_count {cumulative}");
        out
    }
}
