# One VPC for the relay's private traffic (Redis). Cloud Run reaches it by Direct VPC
# egress: one subnet per relay region, no connector VMs to run or pay for.

locals {
  primary_region = var.regions[0]
  subnet_ranges  = { for i, region in var.regions : region => cidrsubnet(var.subnet_cidr, 8, i) }
}

resource "google_compute_network" "relay" {
  name                    = "agentnet-relay"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "relay" {
  for_each = local.subnet_ranges

  name                     = "agentnet-relay-${each.key}"
  region                   = each.key
  network                  = google_compute_network.relay.id
  ip_cidr_range            = each.value
  private_ip_google_access = true
}
