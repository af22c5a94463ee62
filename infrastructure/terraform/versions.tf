terraform {
  required_version = ">= 1.9"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.40"
    }
  }

  # State in a GCS bucket that you create once (see README: "Cloud Run with Terraform").
  # Partial configuration: `terraform init -backend-config="bucket=<state bucket>"`.
  backend "gcs" {
    prefix = "agentnet"
  }
}

provider "google" {
  project = var.project
  region  = local.primary_region
}
