# One Memorystore for Redis instance in the primary region, shared by every relay region.
#
# Why one and not one per region: Redis pub/sub *is* the routing between relay instances
# and Redis Streams hold the mailboxes. Separate instances per region would split the
# network into islands (an agent in one region could not reach one in another). The cost is
# latency: relays in other regions add one cross-region round trip (~20–150 ms) per routed
# frame and mailbox operation, which suits asynchronous agent negotiation. The VPC is
# global, so Direct VPC egress subnets in every region reach the instance over the peering.
#
# Memorystore for Redis (non-cluster) persists with RDB snapshots only (no AOF).
# Transit encryption stays off: the relay's Redis client is built without TLS, and traffic
# stays on the private VPC; AUTH is on and its string travels as a secret (secrets.tf).

resource "google_redis_instance" "relay" {
  name           = "agentnet-relay"
  region         = local.primary_region
  tier           = var.redis_tier
  memory_size_gb = var.redis_memory_gb
  redis_version  = "REDIS_7_2"

  authorized_network      = google_compute_network.relay.id
  connect_mode            = "DIRECT_PEERING"
  auth_enabled            = true
  transit_encryption_mode = "DISABLED"

  persistence_config {
    persistence_mode    = "RDB"
    rdb_snapshot_period = "ONE_HOUR"
  }

  redis_configs = {
    # Mailboxes carry their own TTL; never evict them to make room.
    "maxmemory-policy" = "noeviction"
  }
}
