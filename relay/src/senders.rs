//! Send budgets per source address: sealed senders do not log in, so the address they
//! connect from is the only thing that tells one sender from many. Each address (an IPv6
//! /64 counts as one) may have the relay store so many bytes per second; the buckets
//! live only in memory and only while in use, and no stored message records it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use crate::limits::TokenBucket;

const SHARDS: usize = 16;

/// The token buckets of the addresses that sent recently.
pub(crate) struct SendBudgets {
    rate: u32,
    burst: u32,
    shards: Box<[Mutex<HashMap<IpAddr, TokenBucket>>]>,
}

/// Where a budget is kept: the address, or for IPv6 its /64 (one host's usual share).
/// An IPv4 client of a dual-stack listener arrives as `::ffff:a.b.c.d`: its IPv4 address.
fn key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        ip @ IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut bytes = v6.octets();
            bytes[8..].fill(0);
            IpAddr::from(bytes)
        }
    }
}

impl SendBudgets {
    /// `rate` bytes per second per address, up to `burst` at once (never less than
    /// `largest`, the biggest frame, or such a send could never pass).
    pub(crate) fn new(rate: u32, burst: u32, largest: usize) -> Self {
        let burst = burst.max(u32::try_from(largest).unwrap_or(u32::MAX));
        SendBudgets { rate, burst, shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect() }
    }

    fn shard(&self, ip: &IpAddr) -> std::sync::MutexGuard<'_, HashMap<IpAddr, TokenBucket>> {
        let index = match ip {
            IpAddr::V4(v4) => usize::from(v4.octets()[3]),
            IpAddr::V6(v6) => usize::from(v6.octets()[7]),
        } % SHARDS;
        self.shards[index].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes `bytes` from the budget of `ip`; false if it has not got them.
    pub(crate) fn try_take(&self, ip: IpAddr, bytes: usize, now: Instant) -> bool {
        let ip = key(ip);
        let mut shard = self.shard(&ip);
        let bucket = shard.entry(ip).or_insert_with(|| TokenBucket::new(self.rate, self.burst));
        bucket.try_take(bytes as f64, now)
    }

    /// Forgets the addresses whose buckets are full again: a fresh bucket is the same.
    pub(crate) fn sweep(&self, now: Instant) {
        for shard in self.shards.iter() {
            shard.lock().unwrap_or_else(|e| e.into_inner()).retain(|_, bucket| !bucket.is_full(now));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn each_address_has_its_own_budget_and_a_v6_slash_64_is_one_address() {
        let t0 = Instant::now();
        let budgets = SendBudgets::new(1000, 5000, 1024);
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        assert!(budgets.try_take(a, 5000, t0));
        assert!(!budgets.try_take(a, 1, t0), "a's burst is spent");
        assert!(budgets.try_take(b, 5000, t0), "b is not a");
        assert!(budgets.try_take(a, 1000, t0 + Duration::from_secs(2)), "a refills at its rate");
        let (c, d): (IpAddr, IpAddr) = ("2001:db8::1".parse().unwrap(), "2001:db8::ffff:2".parse().unwrap());
        assert!(budgets.try_take(c, 5000, t0));
        assert!(!budgets.try_take(d, 1, t0), "the same /64");
        // IPv4 clients of a dual-stack listener are told apart by their IPv4 address.
        let (e, f): (IpAddr, IpAddr) = ("::ffff:198.51.100.1".parse().unwrap(), "::ffff:198.51.100.2".parse().unwrap());
        assert!(budgets.try_take(e, 5000, t0));
        assert!(budgets.try_take(f, 5000, t0), "another IPv4 client, not the same /64");
    }

    #[test]
    fn full_buckets_are_forgotten() {
        let t0 = Instant::now();
        let budgets = SendBudgets::new(1000, 5000, 1024);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(budgets.try_take(ip, 3000, t0));
        budgets.sweep(t0);
        assert_eq!(budgets.shards.iter().map(|s| s.lock().unwrap().len()).sum::<usize>(), 1, "still spending");
        budgets.sweep(t0 + Duration::from_secs(10));
        assert_eq!(budgets.shards.iter().map(|s| s.lock().unwrap().len()).sum::<usize>(), 0);
    }
}
