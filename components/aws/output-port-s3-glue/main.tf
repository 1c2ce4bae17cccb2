data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  create_bucket = var.bucket == null
  kms_key_arn   = var.kms_key_arn != null ? var.kms_key_arn : try(var.infrastructure[var.infrastructure_entry].kms_key_arn, null)
  catalog_id    = var.catalog_id != null ? var.catalog_id : data.aws_caller_identity.current.account_id

  # Bucket names: 3-63 lowercase letters, digits and hyphens, globally unique.
  derived_bucket = trim(replace(replace(lower("${var.mesh}-${var.environment}-${var.domain}-${var.product}-${var.port}"), "/[^a-z0-9-]/", "-"), "/-+/", "-"), "-")
  bucket_name = var.bucket != null ? var.bucket : (var.bucket_name != null ? var.bucket_name : (
    length(local.derived_bucket) <= 63 ? local.derived_bucket : "${trim(substr(local.derived_bucket, 0, 54), "-")}-${substr(sha1(local.derived_bucket), 0, 8)}"
  ))
  bucket_id  = local.create_bucket ? aws_s3_bucket.this[0].id : var.bucket
  key_prefix = var.key_prefix != null ? var.key_prefix : "${var.domain}/${var.product}/${var.port}/"

  database_name    = var.database_name != null ? var.database_name : replace(lower("${var.domain}_${var.product}_${var.port}"), "/[^a-z0-9_]/", "_")
  contract_id      = try(var.contract.id, null)
  contract_version = try(var.contract.version, null)
  objects          = var.contract == null ? [] : try(var.contract.objects, [])

  formats = {
    parquet = {
      classification   = "parquet"
      input_format     = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
      output_format    = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
      serde            = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      serde_parameters = { "serialization.format" = "1" }
      table_parameters = {}
    }
    orc = {
      classification   = "orc"
      input_format     = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"
      output_format    = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat"
      serde            = "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
      serde_parameters = { "serialization.format" = "1" }
      table_parameters = {}
    }
    json = {
      classification   = "json"
      input_format     = "org.apache.hadoop.mapred.TextInputFormat"
      output_format    = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
      serde            = "org.openx.data.jsonserde.JsonSerDe"
      serde_parameters = { "ignore.malformed.json" = "FALSE" }
      table_parameters = {}
    }
    csv = {
      classification   = "csv"
      input_format     = "org.apache.hadoop.mapred.TextInputFormat"
      output_format    = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
      serde            = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
      serde_parameters = { "field.delim" = ",", "serialization.format" = "," }
      table_parameters = { "skip.header.line.count" = "1" }
    }
  }
  format = local.formats[var.format]

  # ODCS logicalType → Glue (Hive) type, used when the physicalType is not a type Glue knows.
  logical_types = {
    string    = "string"
    integer   = "bigint"
    number    = var.number_type
    boolean   = "boolean"
    date      = "date"
    timestamp = "timestamp"
    time      = "string"
    object    = "string"
    array     = "string"
  }
  # Physical types (BigQuery, SQL and Hive spellings) → Glue types.
  physical_types = {
    STRING     = "string"
    VARCHAR    = "string"
    CHAR       = "string"
    TEXT       = "string"
    JSON       = "string"
    BYTES      = "binary"
    BINARY     = "binary"
    INT64      = "bigint"
    BIGINT     = "bigint"
    LONG       = "bigint"
    INTEGER    = "bigint"
    INT32      = "int"
    INT        = "int"
    SMALLINT   = "smallint"
    TINYINT    = "tinyint"
    FLOAT64    = "double"
    DOUBLE     = "double"
    FLOAT      = "double"
    FLOAT32    = "float"
    REAL       = "float"
    NUMERIC    = var.number_type
    DECIMAL    = var.number_type
    BIGNUMERIC = var.number_type
    BOOL       = "boolean"
    BOOLEAN    = "boolean"
    DATE       = "date"
    DATETIME   = "timestamp"
    TIMESTAMP  = "timestamp"
  }

  tables = {
    for object in local.objects : object.name => {
      name        = replace(lower(try(object.physical_name, null) != null ? object.physical_name : object.name), "/[^a-z0-9_]/", "_")
      description = try(object.description, null)
      primary_key = join(",", [for property in try(object.properties, []) : property.name if try(property.primary_key, false) == true])
      columns = [
        for property in try(object.properties, []) : {
          name = lower(property.name)
          # decimal(p,s) as written; else the physical type's Glue name; else the logical type's.
          type = length(regexall("^(?i)(decimal|numeric)\\(\\s*[0-9]+\\s*,\\s*[0-9]+\\s*\\)$", try(trimspace(property.physical_type), ""))) > 0 ? (
            replace(replace(lower(trimspace(property.physical_type)), "/\\s+/", ""), "numeric", "decimal")
            ) : lookup(
            local.physical_types,
            upper(replace(try(trimspace(property.physical_type), ""), "/[(<].*$/", "")),
            lookup(local.logical_types, lower(try(trimspace(property.logical_type), "")), "string")
          )
          comment = try(substr(property.description, 0, 255), null)
          parameters = {
            for key, value in {
              "alchemesh.required"       = try(property.required, false) == true ? "true" : "false"
              "alchemesh.classification" = try(property.classification, null)
            } : key => value if value != null
          }
          partition = contains(lookup(var.partition_keys, object.name, []), property.name)
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
  consumer_members = { for consumer, principal in local.consumer_candidates : consumer => principal if principal != null }
  readers          = toset([for principal in concat(values(local.consumer_members), var.reader_principals) : principal if principal != ""])
  table_grants = {
    for pair in setproduct(local.readers, keys(local.tables)) : "${pair[0]} ${pair[1]}" => {
      principal = pair[0]
      object    = pair[1]
    }
  }

  # AWS tags: letters, digits, spaces and `_ . : / = + - @`; keys up to 128 characters, values up to 256.
  tag_groups = {
    for key, value in merge(var.labels, {
      "managed-by"       = "alchemesh"
      "visibility"       = var.visibility
      "data-contract"    = local.contract_id == null ? "none" : local.contract_id
      "contract-version" = local.contract_version == null ? "none" : local.contract_version
    }) :
    substr(replace(key, "/[^\\p{L}\\p{Z}\\p{N}_.:/=+@-]/", "_"), 0, 128) => substr(replace(value, "/[^\\p{L}\\p{Z}\\p{N}_.:/=+@-]/", "_"), 0, 256)...
  }
  tags = { for key, values in local.tag_groups : key => values[0] }
}

# --- Storage --------------------------------------------------------------------------------------

resource "aws_s3_bucket" "this" {
  count = local.create_bucket ? 1 : 0

  bucket        = local.bucket_name
  force_destroy = var.force_destroy
  tags          = local.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = local.create_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.this[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count = local.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count = local.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = local.kms_key_arn
    }
    bucket_key_enabled = local.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "this" {
  count = local.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  versioning_configuration {
    status = var.versioning ? "Enabled" : "Disabled"
  }
}

data "aws_iam_policy_document" "tls_only" {
  count = local.create_bucket ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this[0].arn, "${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count = local.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  policy = data.aws_iam_policy_document.tls_only[0].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_lakeformation_resource" "this" {
  count = var.register_location ? 1 : 0

  arn      = "arn:${data.aws_partition.current.partition}:s3:::${local.bucket_id}/${trimsuffix(local.key_prefix, "/")}"
  role_arn = var.lakeformation_role_arn
}

# --- Catalog --------------------------------------------------------------------------------------

resource "aws_glue_catalog_database" "this" {
  catalog_id   = local.catalog_id
  name         = local.database_name
  description  = "Output port `${var.port}` of the data product ${var.domain}/${var.product} (${var.visibility})${local.contract_id == null ? "" : ", contract ${local.contract_id} ${local.contract_version}"}. Managed by alchemesh."
  location_uri = "s3://${local.bucket_id}/${local.key_prefix}"
  tags         = local.tags

  parameters = {
    "alchemesh.mesh"       = var.mesh
    "alchemesh.port"       = "${var.domain}/${var.product}/${var.port}"
    "alchemesh.visibility" = var.visibility
  }
}

resource "aws_glue_catalog_table" "this" {
  for_each = local.tables

  catalog_id    = local.catalog_id
  database_name = aws_glue_catalog_database.this.name
  name          = each.value.name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"

  parameters = merge(local.format.table_parameters, {
    "EXTERNAL"                   = "TRUE"
    "classification"             = local.format.classification
    "alchemesh.contract"         = local.contract_id == null ? "" : local.contract_id
    "alchemesh.contract_version" = local.contract_version == null ? "" : local.contract_version
    "alchemesh.contract_object"  = each.key
    "alchemesh.primary_key"      = each.value.primary_key
  })

  storage_descriptor {
    location      = "s3://${local.bucket_id}/${local.key_prefix}${each.value.name}/"
    input_format  = local.format.input_format
    output_format = local.format.output_format

    ser_de_info {
      name                  = local.format.classification
      serialization_library = local.format.serde
      parameters            = local.format.serde_parameters
    }

    dynamic "columns" {
      for_each = [for column in each.value.columns : column if !column.partition]
      content {
        name       = columns.value.name
        type       = columns.value.type
        comment    = columns.value.comment
        parameters = columns.value.parameters
      }
    }
  }

  dynamic "partition_keys" {
    for_each = [for column in each.value.columns : column if column.partition]
    content {
      name    = partition_keys.value.name
      type    = partition_keys.value.type
      comment = partition_keys.value.comment
    }
  }
}

# --- Access ---------------------------------------------------------------------------------------

resource "aws_lakeformation_permissions" "database" {
  for_each = local.readers

  principal   = each.value
  permissions = ["DESCRIBE"]

  database {
    catalog_id = local.catalog_id
    name       = aws_glue_catalog_database.this.name
  }
}

resource "aws_lakeformation_permissions" "tables" {
  for_each = local.table_grants

  principal   = each.value.principal
  permissions = ["SELECT"]

  table {
    catalog_id    = local.catalog_id
    database_name = aws_glue_catalog_database.this.name
    name          = aws_glue_catalog_table.this[each.value.object].name
  }
}
