# Container images (relay, web) in the primary region. Create it first with
#   terraform apply -target=google_artifact_registry_repository.images
# so images can be pushed before the relay services refer to them.

resource "google_artifact_registry_repository" "images" {
  repository_id = "agentnet"
  location      = local.primary_region
  format        = "DOCKER"
  description   = "agentnet container images"
}
