locals {
  owner          = var.domain != "" ? var.domain : var.name
  project_prefix = var.project_prefix != null ? var.project_prefix : lower("${var.mesh}-${local.owner}")
  project_id     = var.project_id != null ? var.project_id : "${local.project_prefix}-${var.environment}"

  create_runtime_account = var.runtime_service_account_id != null && var.runtime_service_account_id != ""

  # GCP labels: lowercase letters, digits, `_` and `-`, at most 63 characters, keys starting with a letter.
  label_pairs = [
    for key, value in merge(var.labels, { "managed-by" = "alchemesh" }) : {
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

resource "google_project" "this" {
  project_id          = local.project_id
  name                = var.project_name != null ? var.project_name : local.project_id
  billing_account     = var.billing_account
  folder_id           = var.folder_id
  org_id              = var.folder_id == null ? var.org_id : null
  auto_create_network = var.auto_create_network
  deletion_policy     = var.deletion_policy
  labels              = local.labels
}

resource "google_project_service" "this" {
  for_each = toset(var.services)

  project                    = google_project.this.project_id
  service                    = each.value
  disable_on_destroy         = false
  disable_dependent_services = false
}

resource "google_service_account" "runtime" {
  count = local.create_runtime_account ? 1 : 0

  project      = google_project.this.project_id
  account_id   = var.runtime_service_account_id
  display_name = "Data products of ${local.owner} (${var.environment})"
  description  = "Runs the data product code of ${local.owner} in the ${var.mesh} mesh; managed by alchemesh."

  depends_on = [google_project_service.this]
}

resource "google_project_iam_member" "runtime" {
  for_each = local.create_runtime_account ? toset(var.runtime_project_roles) : toset([])

  project = google_project.this.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.runtime[0].email}"
}
