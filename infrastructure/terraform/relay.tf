# The relay on Cloud Run, one service per region, reachable only through the load balancer.

locals {
  allowed_origins = length(var.allowed_origins) > 0 ? var.allowed_origins : ["https://${var.domain}"]

  relay_env = merge(
    {
      RELAY_ADDR            = "0.0.0.0:8080"
      RELAY_PUBLIC_ORIGINS  = "wss://${var.domain}"
      RELAY_ALLOWED_ORIGINS = join(",", local.allowed_origins)
      # Cloud Run gives 10 s between SIGTERM and SIGKILL.
      RELAY_DRAIN_TIMEOUT_SECS = "8"
      # Behind the load balancer every client has the balancer's address: a per-address
      # send budget would be one budget for everyone.
      RELAY_IP_SEND_RATE  = "4000000000"
      RELAY_IP_SEND_BURST = "4000000000"
    },
    var.relay_env,
  )
}

resource "google_cloud_run_v2_service" "relay" {
  for_each = toset(var.regions)

  name                = "agentnet-relay"
  location            = each.key
  ingress             = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
  deletion_protection = false

  template {
    service_account                  = google_service_account.relay.email
    timeout                          = "${var.request_timeout_seconds}s"
    max_instance_request_concurrency = var.concurrency
    session_affinity                 = var.session_affinity
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    vpc_access {
      egress = "PRIVATE_RANGES_ONLY"
      network_interfaces {
        network    = google_compute_network.relay.id
        subnetwork = google_compute_subnetwork.relay[each.key].id
      }
    }

    containers {
      image = var.relay_image

      ports {
        container_port = 8080
      }

      dynamic "env" {
        for_each = local.relay_env
        content {
          name  = env.key
          value = env.value
        }
      }

      env {
        name = "REDIS_URL"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.redis_url.secret_id
            version = "latest"
          }
        }
      }

      resources {
        limits = {
          cpu    = var.relay_cpu
          memory = var.relay_memory
        }
        # Always-allocated CPU: the Redis subscriber and the ping timers run between requests.
        cpu_idle = false
      }

      # Ready = routing through Redis works; alive = the process answers.
      startup_probe {
        http_get {
          path = "/readyz"
          port = 8080
        }
        period_seconds    = 2
        timeout_seconds   = 1
        failure_threshold = 30
      }

      liveness_probe {
        http_get {
          path = "/healthz"
          port = 8080
        }
        period_seconds    = 15
        timeout_seconds   = 3
        failure_threshold = 3
      }
    }
  }

  depends_on = [
    google_secret_manager_secret_version.redis_url,
    google_secret_manager_secret_iam_member.relay_reads_redis_url,
  ]
}

# Anyone may invoke the relay: clients authenticate inside the WebSocket by signing a
# challenge, and ingress only admits traffic that came through the load balancer.
resource "google_cloud_run_v2_service_iam_member" "public" {
  for_each = google_cloud_run_v2_service.relay

  name     = each.value.name
  location = each.value.location
  role     = "roles/run.invoker"
  member   = "allUsers"
}
