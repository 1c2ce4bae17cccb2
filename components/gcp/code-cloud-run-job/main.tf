locals {
  project_id      = try(var.infrastructure[var.infrastructure_entry].project_id, var.project_id)
  region          = var.region != null ? var.region : try(var.infrastructure[var.infrastructure_entry].region, "europe-west1")
  service_account = var.service_account_email != null ? var.service_account_email : try(var.infrastructure[var.infrastructure_entry].runtime_service_account_email, null)
  scheduler_account = (
    var.scheduler_service_account_email != null ? var.scheduler_service_account_email : local.service_account
  )

  # Job names: lowercase letters, digits and hyphens, starting with a letter, at most 63 characters.
  derived_name = trim(replace(replace(lower("${var.product}-${var.name}"), "/[^a-z0-9-]/", "-"), "/-+/", "-"), "-")
  job_name = var.job_name != null ? var.job_name : (
    length(local.derived_name) <= 63 ? local.derived_name : "${trim(substr(local.derived_name, 0, 54), "-")}-${substr(sha1(local.derived_name), 0, 8)}"
  )

  # What the code needs to find its data: the whole maps as JSON, and one variable per port.
  env = merge(
    {
      ALCHEMESH_MESH        = var.mesh
      ALCHEMESH_ENVIRONMENT = var.environment
      ALCHEMESH_DOMAIN      = var.domain
      ALCHEMESH_PRODUCT     = var.product
      ALCHEMESH_CODE        = var.name
      ALCHEMESH_INPUTS      = jsonencode(var.inputs)
      ALCHEMESH_OUTPUTS     = jsonencode(var.outputs)
    },
    { for port, location in var.inputs : "ALCHEMESH_INPUT_${upper(replace(port, "/[^A-Za-z0-9]/", "_"))}" => location },
    { for port, location in var.outputs : "ALCHEMESH_OUTPUT_${upper(replace(port, "/[^A-Za-z0-9]/", "_"))}" => location },
    var.env,
  )

  # GCP labels: lowercase letters, digits, `_` and `-`, at most 63 characters, keys starting with a letter.
  label_pairs = [
    for key, value in merge(var.labels, { "managed-by" = "alchemesh", "code" = var.name }) : {
      key   = replace(lower(key), "/[^a-z0-9_-]/", "_")
      value = substr(replace(lower(value), "/[^a-z0-9_-]/", "_"), 0, 63)
    }
  ]
  label_groups = {
    for pair in local.label_pairs :
    substr(length(regexall("^[a-z]", pair.key)) > 0 ? pair.key : "x_${pair.key}", 0, 63) => pair.value...
  }
  labels = { for key, values in local.label_groups : key => values[0] }
}

resource "google_cloud_run_v2_job" "this" {
  project             = local.project_id
  location            = local.region
  name                = local.job_name
  labels              = local.labels
  deletion_protection = var.deletion_protection

  template {
    labels     = local.labels
    task_count = var.task_count

    template {
      service_account = local.service_account
      timeout         = var.timeout
      max_retries     = var.max_retries

      containers {
        image   = var.image
        command = length(var.command) > 0 ? var.command : null
        args    = length(var.args) > 0 ? var.args : null

        dynamic "env" {
          for_each = local.env
          content {
            name  = env.key
            value = env.value
          }
        }

        resources {
          limits = {
            cpu    = var.cpu
            memory = var.memory
          }
        }
      }
    }
  }
}

resource "google_cloud_run_v2_job_iam_member" "scheduler" {
  count = var.schedule == null ? 0 : 1

  project  = google_cloud_run_v2_job.this.project
  location = google_cloud_run_v2_job.this.location
  name     = google_cloud_run_v2_job.this.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${local.scheduler_account}"
}

resource "google_cloud_scheduler_job" "this" {
  count = var.schedule == null ? 0 : 1

  project          = google_cloud_run_v2_job.this.project
  region           = google_cloud_run_v2_job.this.location
  name             = local.job_name
  description      = "Runs ${var.domain}/${var.product} `${var.name}` (Cloud Run job ${local.job_name}); managed by alchemesh."
  schedule         = var.schedule
  time_zone        = var.time_zone
  attempt_deadline = "180s"

  retry_config {
    retry_count = 1
  }

  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/${google_cloud_run_v2_job.this.project}/locations/${google_cloud_run_v2_job.this.location}/jobs/${google_cloud_run_v2_job.this.name}:run"

    oauth_token {
      service_account_email = local.scheduler_account
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }

  depends_on = [google_cloud_run_v2_job_iam_member.scheduler]
}
