variable "project" {
  description = "Google Cloud project id."
  type        = string
}

variable "regions" {
  description = "Cloud Run regions for the relay. The first one is the primary region: it also holds Redis and the Artifact Registry repository."
  type        = list(string)
  default     = ["europe-west1", "us-central1"]

  validation {
    condition     = length(var.regions) >= 1 && length(var.regions) == length(distinct(var.regions))
    error_message = "Give at least one region, each once."
  }
}

variable "domain" {
  description = "Public host name of the deployment (e.g. agents.example.org). Point its A record at the load balancer IP (output lb_ip)."
  type        = string
}

variable "relay_image" {
  description = "Relay container image, e.g. europe-west1-docker.pkg.dev/PROJECT/agentnet/relay:SHA."
  type        = string
}

variable "min_instances" {
  description = "Minimum relay instances per region (1 avoids cold starts for the first agent)."
  type        = number
  default     = 1
}

variable "max_instances" {
  description = "Maximum relay instances per region."
  type        = number
  default     = 10
}

variable "concurrency" {
  description = "Concurrent requests (open WebSockets count as one each) per relay instance; Cloud Run allows up to 1000."
  type        = number
  default     = 1000

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1000
    error_message = "Cloud Run concurrency is between 1 and 1000."
  }
}

variable "session_affinity" {
  description = "Cloud Run session affinity: a reconnecting browser goes back to the same instance when it can."
  type        = bool
  default     = true
}

variable "request_timeout_seconds" {
  description = "Cloud Run request timeout, which is the longest a WebSocket stays open (agents reconnect after it)."
  type        = number
  default     = 3600

  validation {
    condition     = var.request_timeout_seconds >= 60 && var.request_timeout_seconds <= 3600
    error_message = "Between 60 and 3600 seconds."
  }
}

variable "relay_cpu" {
  description = "CPU limit of a relay instance."
  type        = string
  default     = "1"
}

variable "relay_memory" {
  description = "Memory limit of a relay instance."
  type        = string
  default     = "512Mi"
}

variable "relay_env" {
  description = "Extra plain relay settings (RELAY_* variables, see infrastructure/README.md), e.g. { RELAY_MAILBOX_TTL_SECS = \"86400\" }."
  type        = map(string)
  default     = {}
}

variable "allowed_origins" {
  description = "Browser origins allowed to open a WebSocket (RELAY_ALLOWED_ORIGINS). Empty: https://<domain> only."
  type        = list(string)
  default     = []
}

variable "redis_tier" {
  description = "Memorystore tier: STANDARD_HA (replica with automatic failover) or BASIC."
  type        = string
  default     = "STANDARD_HA"
}

variable "redis_memory_gb" {
  description = "Memorystore capacity in GB (mailboxes are bounded per agent, see RELAY_MAILBOX_MAX_BYTES)."
  type        = number
  default     = 1
}

variable "subnet_cidr" {
  description = "Range split into one /24 per region for Direct VPC egress subnets."
  type        = string
  default     = "10.20.0.0/16"
}

variable "web_bucket_location" {
  description = "Location of the web bundle bucket (a multi-region suits a CDN origin)."
  type        = string
  default     = "EU"
}

variable "github_repository" {
  description = "owner/name of the GitHub repository allowed to deploy through Workload Identity Federation. Empty: no CI identity is created."
  type        = string
  default     = ""
}
