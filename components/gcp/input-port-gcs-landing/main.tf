locals {
  project_id = try(var.infrastructure[var.infrastructure_entry].project_id, var.project_id)
  runtime    = try(var.infrastructure[var.infrastructure_entry].runtime_service_account_member, null)
  format     = var.format == null ? null : upper(var.format)
  prefix     = "${var.port}/"

  # Bucket names: 3-63 lowercase letters, digits and hyphens, globally unique.
  derived_name = trim(replace(replace(lower("${var.mesh}-${var.environment}-${var.domain}-${var.product}-${var.port}"), "/[^a-z0-9-]/", "-"), "/-+/", "-"), "-")
  bucket_name = var.bucket_name != null ? var.bucket_name : (
    length(local.derived_name) <= 63 ? local.derived_name : "${trim(substr(local.derived_name, 0, 54), "-")}-${substr(sha1(local.derived_name), 0, 8)}"
  )

  reader_members = toset([for member in concat(var.reader_principals, [local.runtime]) : member if member != null && member != ""])
  writer_members = toset([for member in var.writer_principals : member if member != ""])

  # GCP labels: lowercase letters, digits, `_` and `-`, at most 63 characters, keys starting with a letter.
  label_pairs = [
    for key, value in merge(var.labels, {
      "managed-by"    = "alchemesh"
      "source-system" = var.source_system == null ? "none" : var.source_system
      "file-format"   = local.format == null ? "any" : local.format
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

resource "google_storage_bucket" "this" {
  project                     = local.project_id
  name                        = local.bucket_name
  location                    = var.location
  storage_class               = var.storage_class
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  labels                      = local.labels

  versioning {
    enabled = var.versioning
  }

  dynamic "lifecycle_rule" {
    for_each = var.retention_days == null ? [] : [var.retention_days]
    content {
      condition {
        age            = lifecycle_rule.value
        matches_prefix = [local.prefix]
      }
      action {
        type = "Delete"
      }
    }
  }

  dynamic "lifecycle_rule" {
    for_each = var.versioning && var.retention_days != null ? [var.retention_days] : []
    content {
      condition {
        days_since_noncurrent_time = lifecycle_rule.value
        with_state                 = "ARCHIVED"
      }
      action {
        type = "Delete"
      }
    }
  }

  dynamic "encryption" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      default_kms_key_name = encryption.value
    }
  }
}

resource "google_storage_bucket_iam_member" "writers" {
  for_each = local.writer_members

  bucket = google_storage_bucket.this.name
  role   = "roles/storage.objectCreator"
  member = each.value
}

resource "google_storage_bucket_iam_member" "readers" {
  for_each = local.reader_members

  bucket = google_storage_bucket.this.name
  role   = "roles/storage.objectViewer"
  member = each.value
}
