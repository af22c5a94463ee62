# REDIS_URL, with the Memorystore AUTH string in it, lives in Secret Manager and reaches the
# relay as an environment variable. Note: Terraform also keeps it in its state, so the state
# bucket must be as private as the secret.

resource "google_secret_manager_secret" "redis_url" {
  secret_id = "agentnet-relay-redis-url"

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "redis_url" {
  secret      = google_secret_manager_secret.redis_url.id
  secret_data = "redis://:${google_redis_instance.relay.auth_string}@${google_redis_instance.relay.host}:${google_redis_instance.relay.port}"
}
