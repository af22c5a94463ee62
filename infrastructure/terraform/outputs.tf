output "lb_ip" {
  description = "Load balancer IP: point the A record of var.domain here."
  value       = google_compute_global_address.lb.address
}

output "web_url" {
  description = "The web app."
  value       = "https://${var.domain}/"
}

output "relay_ws_url" {
  description = "The relay's WebSocket endpoint, as agents use it."
  value       = "wss://${var.domain}/ws"
}

output "relay_service_urls" {
  description = "Cloud Run URL per region (ingress is load balancer only; for reference)."
  value       = { for region, service in google_cloud_run_v2_service.relay : region => service.uri }
}

output "web_bucket" {
  description = "Bucket that holds the web bundle: gcloud storage rsync public/ into it."
  value       = google_storage_bucket.web.name
}

output "url_map" {
  description = "URL map name, for CDN cache invalidation."
  value       = google_compute_url_map.https.name
}

output "image_repository" {
  description = "Artifact Registry prefix for the images (…/relay, …/web)."
  value       = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project}/${google_artifact_registry_repository.images.repository_id}"
}

output "redis_host" {
  description = "Private address of Memorystore (reachable only from the VPC)."
  value       = "${google_redis_instance.relay.host}:${google_redis_instance.relay.port}"
}

output "workload_identity_provider" {
  description = "For google-github-actions/auth (repository variable GCP_WIF_PROVIDER)."
  value       = local.ci_enabled ? google_iam_workload_identity_pool_provider.github[0].name : null
}

output "deployer_service_account" {
  description = "For google-github-actions/auth (repository variable GCP_DEPLOY_SA)."
  value       = local.ci_enabled ? google_service_account.deployer[0].email : null
}
