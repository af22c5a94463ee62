# Global external Application Load Balancer: one anycast IP, TLS with a managed certificate,
# the nearest healthy relay region for /ws, and the CDN-backed bucket for everything else.

resource "google_compute_global_address" "lb" {
  name = "agentnet-lb"
}

# One serverless NEG per relay region; the backend service sends each client to the
# closest region with capacity and fails over to the others.
resource "google_compute_region_network_endpoint_group" "relay" {
  for_each = google_cloud_run_v2_service.relay

  name                  = "agentnet-relay-${each.key}"
  region                = each.key
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = each.value.name
  }
}

# Serverless NEGs take neither a health check nor a backend timeout: Cloud Run's own
# probes and request timeout (var.request_timeout_seconds) apply.
resource "google_compute_backend_service" "relay" {
  name                  = "agentnet-relay"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"

  dynamic "backend" {
    for_each = google_compute_region_network_endpoint_group.relay
    content {
      group = backend.value.id
    }
  }

  log_config {
    enable      = true
    sample_rate = 0.1
  }
}

locals {
  # Routes of the single-page app: served index.html (the app routes in the browser).
  spa_routes = ["/onboarding", "/contacts", "/negotiations", "/approvals", "/calendar", "/settings"]
}

resource "google_compute_url_map" "https" {
  name            = "agentnet-https"
  default_service = google_compute_backend_bucket.web.id

  host_rule {
    hosts        = [var.domain]
    path_matcher = "agentnet"
  }

  path_matcher {
    name            = "agentnet"
    default_service = google_compute_backend_bucket.web.id

    # /metrics is deliberately not routed: it answers from the bucket (404).
    path_rule {
      paths   = ["/ws", "/healthz", "/readyz"]
      service = google_compute_backend_service.relay.id
    }

    path_rule {
      paths   = local.spa_routes
      service = google_compute_backend_bucket.web.id
      route_action {
        url_rewrite {
          path_prefix_rewrite = "/index.html"
        }
      }
    }
  }
}

resource "google_compute_managed_ssl_certificate" "web" {
  name = "agentnet-web"

  managed {
    domains = [var.domain]
  }
}

resource "google_compute_ssl_policy" "modern" {
  name            = "agentnet-modern"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "web" {
  name             = "agentnet-https"
  url_map          = google_compute_url_map.https.id
  ssl_certificates = [google_compute_managed_ssl_certificate.web.id]
  ssl_policy       = google_compute_ssl_policy.modern.id
}

resource "google_compute_global_forwarding_rule" "https" {
  name                  = "agentnet-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.lb.id
  port_range            = "443"
  target                = google_compute_target_https_proxy.web.id
}

# Port 80 only redirects to HTTPS.
resource "google_compute_url_map" "http_redirect" {
  name = "agentnet-http-redirect"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  name    = "agentnet-http-redirect"
  url_map = google_compute_url_map.http_redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  name                  = "agentnet-http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.lb.id
  port_range            = "80"
  target                = google_compute_target_http_proxy.redirect.id
}
