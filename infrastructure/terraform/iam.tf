# Least privilege: the relay's identity can read one secret and nothing else (Cloud Run
# writes its logs and metrics without roles on the service account).

resource "google_service_account" "relay" {
  account_id   = "agentnet-relay"
  display_name = "agentnet relay (Cloud Run)"
}

resource "google_secret_manager_secret_iam_member" "relay_reads_redis_url" {
  secret_id = google_secret_manager_secret.redis_url.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.relay.email}"
}

# ---- CI: GitHub Actions deploys through Workload Identity Federation (no key files) ------

locals {
  ci_enabled = var.github_repository != ""
}

resource "google_iam_workload_identity_pool" "github" {
  count = local.ci_enabled ? 1 : 0

  workload_identity_pool_id = "agentnet-github"
  display_name              = "GitHub Actions"
}

resource "google_iam_workload_identity_pool_provider" "github" {
  count = local.ci_enabled ? 1 : 0

  workload_identity_pool_id          = google_iam_workload_identity_pool.github[0].workload_identity_pool_id
  workload_identity_pool_provider_id = "github"
  display_name                       = "GitHub OIDC"
  attribute_mapping = {
    "google.subject"       = "assertion.sub"
    "attribute.repository" = "assertion.repository"
    "attribute.ref"        = "assertion.ref"
  }
  # Only the main branch of this one repository can obtain tokens.
  attribute_condition = "assertion.repository == \"${var.github_repository}\" && assertion.ref == \"refs/heads/main\""

  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_service_account" "deployer" {
  count = local.ci_enabled ? 1 : 0

  account_id   = "agentnet-deployer"
  display_name = "agentnet CI deployer"
}

resource "google_service_account_iam_member" "deployer_wif" {
  count = local.ci_enabled ? 1 : 0

  service_account_id = google_service_account.deployer[0].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.github[0].name}/attribute.repository/${var.github_repository}"
}

# The deployer runs `terraform apply` for this configuration, which manages networks, IAM
# and the load balancer, so it needs broad roles on the project. Keep the GitHub
# environment "production" behind required reviewers.
resource "google_project_iam_member" "deployer" {
  for_each = local.ci_enabled ? toset([
    "roles/run.admin",
    "roles/compute.admin",
    "roles/redis.admin",
    "roles/secretmanager.admin",
    "roles/storage.admin",
    "roles/artifactregistry.admin",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.serviceAccountUser",
    "roles/iam.workloadIdentityPoolAdmin",
    "roles/resourcemanager.projectIamAdmin",
  ]) : toset([])

  project = var.project
  role    = each.value
  member  = "serviceAccount:${google_service_account.deployer[0].email}"
}
