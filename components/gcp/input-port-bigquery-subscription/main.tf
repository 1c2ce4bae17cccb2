locals {
  project_id = try(var.infrastructure[var.infrastructure_entry].project_id, var.project_id)
  runtime    = try(var.infrastructure[var.infrastructure_entry].runtime_service_account_member, null)
  dataset_id = var.dataset_id != null ? var.dataset_id : replace(lower("${var.product}_in_${var.port}"), "/[^a-z0-9_]/", "_")

  # `<project>.<dataset>`; the project may itself hold a dot or colon (domain-scoped projects).
  has_upstream     = var.upstream_location != null && var.upstream_location != ""
  upstream_parts   = local.has_upstream ? regex("^(.+)\\.([A-Za-z0-9_]+)$", var.upstream_location) : ["", ""]
  upstream_project = local.upstream_parts[0]
  upstream_dataset = local.upstream_parts[1]

  upstream_tables = local.has_upstream ? (
    var.tables != null ? var.tables : [for table in data.google_bigquery_tables.upstream[0].tables : table.table_id]
  ) : []

  location       = var.location != null ? var.location : (local.has_upstream ? data.google_bigquery_dataset.upstream[0].location : "EU")
  reader_members = toset([for member in concat(var.reader_principals, [local.runtime]) : member if member != null && member != ""])
  special_groups = ["allAuthenticatedUsers", "projectOwners", "projectReaders", "projectWriters"]
  # `kind:id` IAM members → the field of the dataset access entry that carries them.
  reader_access = {
    for member in local.reader_members : member => {
      kind = length(regexall("^[A-Za-z]+:", member)) > 0 ? split(":", member)[0] : ""
      id   = length(regexall("^[A-Za-z]+:", member)) > 0 ? substr(member, length(split(":", member)[0]) + 1, -1) : member
    }
  }

  # GCP labels: lowercase letters, digits, `_` and `-`, at most 63 characters, keys starting with a letter.
  label_pairs = [
    for key, value in merge(var.labels, {
      "managed-by"    = "alchemesh"
      "upstream-port" = var.upstream_port == null ? "none" : var.upstream_port
      }) : {
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

data "google_bigquery_dataset" "upstream" {
  count = local.has_upstream && var.location == null ? 1 : 0

  project    = local.upstream_project
  dataset_id = local.upstream_dataset
}

data "google_bigquery_tables" "upstream" {
  count = local.has_upstream && var.tables == null ? 1 : 0

  project    = local.upstream_project
  dataset_id = local.upstream_dataset
}

resource "google_bigquery_dataset" "this" {
  project       = local.project_id
  dataset_id    = local.dataset_id
  friendly_name = "${var.domain}/${var.product} <- ${var.upstream_port == null ? var.port : var.upstream_port}"
  description = join(" ", [
    "Input port `${var.port}` of the data product ${var.domain}/${var.product}:",
    local.has_upstream ? "views over ${var.upstream_location} (${var.upstream_port == null ? "upstream" : var.upstream_port})." : "waiting for its upstream port to be applied.",
    "Managed by alchemesh.",
  ])
  location                   = local.location
  delete_contents_on_destroy = var.delete_contents_on_destroy
  labels                     = local.labels
}

resource "google_bigquery_table" "views" {
  for_each = toset(local.upstream_tables)

  project             = google_bigquery_dataset.this.project
  dataset_id          = google_bigquery_dataset.this.dataset_id
  table_id            = each.value
  description         = "`${local.upstream_project}.${local.upstream_dataset}.${each.value}` as read by ${var.domain}/${var.product}."
  deletion_protection = false
  labels              = local.labels

  view {
    query          = "SELECT * FROM `${local.upstream_project}.${local.upstream_dataset}.${each.value}`"
    use_legacy_sql = false
  }
}

resource "google_bigquery_dataset_access" "authorized" {
  count = local.has_upstream && var.authorize_views ? 1 : 0

  project    = local.upstream_project
  dataset_id = local.upstream_dataset

  dataset {
    dataset {
      project_id = google_bigquery_dataset.this.project
      dataset_id = google_bigquery_dataset.this.dataset_id
    }
    target_types = ["VIEWS"]
  }
}

# Dataset access entries rather than google_bigquery_dataset_iam_*, which would fight with them.
resource "google_bigquery_dataset_access" "readers" {
  for_each = local.reader_access

  project        = google_bigquery_dataset.this.project
  dataset_id     = google_bigquery_dataset.this.dataset_id
  role           = "READER"
  user_by_email  = contains(["user", "serviceAccount"], each.value.kind) ? each.value.id : null
  group_by_email = each.value.kind == "group" ? each.value.id : null
  domain         = each.value.kind == "domain" ? each.value.id : null
  special_group  = contains(local.special_groups, each.key) ? each.key : null
  iam_member     = contains(["user", "serviceAccount", "group", "domain"], each.value.kind) || contains(local.special_groups, each.key) ? null : each.key
}
