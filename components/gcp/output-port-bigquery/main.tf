locals {
  project_id = try(var.infrastructure[var.infrastructure_entry].project_id, var.project_id)
  runtime    = try(var.infrastructure[var.infrastructure_entry].runtime_service_account_member, null)
  dataset_id = var.dataset_id != null ? var.dataset_id : replace(lower("${var.domain}_${var.product}_${var.port}"), "/[^a-z0-9_]/", "_")

  contract_id      = try(var.contract.id, null)
  contract_version = try(var.contract.version, null)
  objects          = var.contract == null ? [] : try(var.contract.objects, [])

  # ODCS logicalType → BigQuery type, used when the property's physicalType is not a BigQuery type.
  logical_types = {
    string    = "STRING"
    integer   = "INTEGER"
    number    = "NUMERIC"
    boolean   = "BOOLEAN"
    date      = "DATE"
    timestamp = "TIMESTAMP"
    time      = "TIME"
    object    = "JSON"
    array     = "JSON"
  }
  # BigQuery physical types (standard SQL names and aliases) → the names the tables API reports,
  # so that plans stay clean. STRUCT and ARRAY need sub-fields the contract interface does not carry: JSON.
  physical_types = {
    STRING     = "STRING"
    BYTES      = "BYTES"
    INT64      = "INTEGER"
    INTEGER    = "INTEGER"
    INT        = "INTEGER"
    SMALLINT   = "INTEGER"
    BIGINT     = "INTEGER"
    TINYINT    = "INTEGER"
    BYTEINT    = "INTEGER"
    FLOAT64    = "FLOAT"
    FLOAT      = "FLOAT"
    NUMERIC    = "NUMERIC"
    DECIMAL    = "NUMERIC"
    BIGNUMERIC = "BIGNUMERIC"
    BIGDECIMAL = "BIGNUMERIC"
    BOOL       = "BOOLEAN"
    BOOLEAN    = "BOOLEAN"
    DATE       = "DATE"
    DATETIME   = "DATETIME"
    TIME       = "TIME"
    TIMESTAMP  = "TIMESTAMP"
    GEOGRAPHY  = "GEOGRAPHY"
    JSON       = "JSON"
    INTERVAL   = "INTERVAL"
    STRUCT     = "JSON"
    RECORD     = "JSON"
    ARRAY      = "JSON"
  }

  tables = {
    for object in local.objects : object.name => {
      table_id    = replace(try(object.physical_name, null) != null ? object.physical_name : object.name, "/[^A-Za-z0-9_]/", "_")
      description = try(object.description, null)
      schema = [
        for property in try(object.properties, []) : {
          for key, value in {
            name = property.name
            type = lookup(
              local.physical_types,
              upper(replace(try(trimspace(property.physical_type), ""), "/[(<].*$/", "")),
              lookup(local.logical_types, lower(try(trimspace(property.logical_type), "")), "STRING")
            )
            mode        = try(property.required, false) == true ? "REQUIRED" : "NULLABLE"
            description = try(substr(property.description, 0, 1024), null)
            policyTags  = try({ names = [var.policy_tags[property.classification]] }, null)
          } : key => value if value != null
        }
      ]
    }
  }

  # Who reads the port: the explicit principal, else the template, else nobody (reported).
  consumer_candidates = {
    for consumer in var.consumers : consumer => lookup(var.consumer_principals, consumer, try(
      replace(replace(replace(replace(var.consumer_principal_template,
        "{mesh}", var.mesh),
        "{environment}", var.environment),
        "{domain}", split("/", consumer)[0]),
      "{product}", split("/", consumer)[1]),
      null
    ))
  }
  consumer_members = { for consumer, member in local.consumer_candidates : consumer => member if member != null }
  reader_members   = toset([for member in var.reader_principals : member if member != ""])
  writer_members   = toset([for member in concat(var.writer_principals, [local.runtime]) : member if member != null && member != ""])

  # One dataset access entry per (role, member), deduplicated. Legacy role names: the API reports them.
  access_entries = merge(
    { for member in toset(values(local.consumer_members)) : "READER ${member}" => { role = "READER", member = member } },
    { for member in local.reader_members : "READER ${member}" => { role = "READER", member = member } },
    { for member in local.writer_members : "WRITER ${member}" => { role = "WRITER", member = member } },
  )
  special_groups = ["allAuthenticatedUsers", "projectOwners", "projectReaders", "projectWriters"]
  # `kind:id` IAM members → the field of the access entry that carries them.
  access = {
    for key, entry in local.access_entries : key => {
      role = entry.role
      kind = length(regexall("^[A-Za-z]+:", entry.member)) > 0 ? split(":", entry.member)[0] : ""
      id   = length(regexall("^[A-Za-z]+:", entry.member)) > 0 ? substr(entry.member, length(split(":", entry.member)[0]) + 1, -1) : entry.member
      raw  = entry.member
    }
  }

  # GCP labels: lowercase letters, digits, `_` and `-`, at most 63 characters, keys starting with a letter.
  label_pairs = [
    for key, value in merge(var.labels, {
      "managed-by"       = "alchemesh"
      "visibility"       = var.visibility
      "data-contract"    = local.contract_id == null ? "none" : local.contract_id
      "contract-version" = local.contract_version == null ? "none" : local.contract_version
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

resource "google_bigquery_dataset" "this" {
  project       = local.project_id
  dataset_id    = local.dataset_id
  friendly_name = "${var.domain}/${var.product}/${var.port}"
  description = join(" ", compact([
    "Output port `${var.port}` of the data product ${var.domain}/${var.product} (${var.visibility}).",
    local.contract_id == null ? "" : "Contract ${local.contract_id} ${local.contract_version}.",
    "Managed by alchemesh: change the specs, not this dataset.",
  ]))
  location                        = var.location
  default_partition_expiration_ms = var.retention_days == null ? null : var.retention_days * 86400000
  delete_contents_on_destroy      = var.delete_contents_on_destroy
  labels                          = local.labels

  dynamic "default_encryption_configuration" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      kms_key_name = default_encryption_configuration.value
    }
  }
}

resource "google_bigquery_table" "this" {
  for_each = local.tables

  project             = google_bigquery_dataset.this.project
  dataset_id          = google_bigquery_dataset.this.dataset_id
  table_id            = each.value.table_id
  description         = each.value.description
  schema              = length(each.value.schema) > 0 ? jsonencode(each.value.schema) : null
  clustering          = lookup(var.clustering_fields, each.key, null)
  deletion_protection = var.deletion_protection
  labels              = merge(local.labels, { "contract-object" = substr(replace(lower(each.key), "/[^a-z0-9_-]/", "_"), 0, 63) })

  dynamic "time_partitioning" {
    for_each = contains(keys(var.partition_fields), each.key) ? [var.partition_fields[each.key]] : []
    content {
      type          = "DAY"
      field         = time_partitioning.value
      expiration_ms = var.retention_days == null ? null : var.retention_days * 86400000
    }
  }

  dynamic "encryption_configuration" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      kms_key_name = encryption_configuration.value
    }
  }
}

# Grants go through dataset access entries, not google_bigquery_dataset_iam_*: those resources drop
# the authorized datasets consumers add to this dataset (gcp/input-port-bigquery-subscription).
resource "google_bigquery_dataset_access" "this" {
  for_each = local.access

  project        = google_bigquery_dataset.this.project
  dataset_id     = google_bigquery_dataset.this.dataset_id
  role           = each.value.role
  user_by_email  = contains(["user", "serviceAccount"], each.value.kind) ? each.value.id : null
  group_by_email = each.value.kind == "group" ? each.value.id : null
  domain         = each.value.kind == "domain" ? each.value.id : null
  special_group  = contains(local.special_groups, each.value.raw) ? each.value.raw : null
  iam_member     = contains(["user", "serviceAccount", "group", "domain"], each.value.kind) || contains(local.special_groups, each.value.raw) ? null : each.value.raw
}
