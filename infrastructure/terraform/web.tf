# The static web bundle (public/: index.html, wasm, js) in a Cloud Storage bucket, served
# through the load balancer by a backend bucket with Cloud CDN.

resource "google_storage_bucket" "web" {
  name                        = "${var.project}-agentnet-web"
  location                    = var.web_bucket_location
  uniform_bucket_level_access = true
  force_destroy               = false

  website {
    main_page_suffix = "index.html"
    not_found_page   = "index.html"
  }

  cors {
    origin          = ["https://${var.domain}"]
    method          = ["GET", "HEAD"]
    response_header = ["Content-Type"]
    max_age_seconds = 3600
  }
}

# The bundle is public code (no secrets, no user data): the CDN reads it anonymously.
resource "google_storage_bucket_iam_member" "web_public" {
  bucket = google_storage_bucket.web.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_compute_backend_bucket" "web" {
  name        = "agentnet-web"
  bucket_name = google_storage_bucket.web.name
  enable_cdn  = true

  cdn_policy {
    # Hashed assets are cached long (their Cache-Control comes from the upload step);
    # index.html is uploaded with no-cache so new releases show up at once.
    cache_mode        = "USE_ORIGIN_HEADERS"
    serve_while_stale = 86400
  }

  compression_mode = "AUTOMATIC"
}
