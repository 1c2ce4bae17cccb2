data "aws_partition" "current" {}

locals {
  partition   = data.aws_partition.current.partition
  create_role = var.role_arn == null
  job_name    = var.job_name != null ? var.job_name : "${var.mesh}-${var.environment}-${var.domain}-${var.product}-${var.name}"

  # IAM role names: at most 64 characters.
  derived_role = replace(local.job_name, "/[^A-Za-z0-9+=,.@_-]/", "-")
  role_name = var.role_name != null ? var.role_name : (
    length(local.derived_role) <= 64 ? local.derived_role : "${substr(local.derived_role, 0, 55)}-${substr(sha1(local.derived_role), 0, 8)}"
  )

  kms_key_arns = distinct([
    for arn in concat(var.kms_key_arns, try([var.infrastructure[var.infrastructure_entry].kms_key_arn], [])) : arn if arn != null && arn != ""
  ])

  # `s3://bucket/key/` locations → bucket ARNs and object ARN patterns, for the role's policy.
  # Locations that are not S3 URIs are passed to the job but get no grant.
  input_paths  = [for location in values(var.inputs) : regex("^s3://([^/]+)/?(.*)$", location) if can(regex("^s3://", location))]
  output_paths = [for location in values(var.outputs) : regex("^s3://([^/]+)/?(.*)$", location) if can(regex("^s3://", location))]
  script_path  = regex("^s3://([^/]+)/(.*)$", var.script_location)
  temp_paths   = var.temp_dir == null ? [] : [regex("^s3://([^/]+)/?(.*)$", var.temp_dir)]

  arguments = merge(
    {
      "--job-language"                     = "python"
      "--enable-metrics"                   = "true"
      "--enable-continuous-cloudwatch-log" = "true"
      "--enable-glue-datacatalog"          = "true"
      "--alchemesh_mesh"                   = var.mesh
      "--alchemesh_environment"            = var.environment
      "--alchemesh_domain"                 = var.domain
      "--alchemesh_product"                = var.product
      "--alchemesh_code"                   = var.name
      "--alchemesh_inputs"                 = jsonencode(var.inputs)
      "--alchemesh_outputs"                = jsonencode(var.outputs)
    },
    { for port, location in var.inputs : "--input_${lower(replace(port, "/[^A-Za-z0-9]/", "_"))}" => location },
    { for port, location in var.outputs : "--output_${lower(replace(port, "/[^A-Za-z0-9]/", "_"))}" => location },
    var.temp_dir == null ? {} : { "--TempDir" = var.temp_dir },
    var.default_arguments,
  )

  # AWS tags: letters, digits, spaces and `_ . : / = + - @`; keys up to 128 characters, values up to 256.
  tag_groups = {
    for key, value in merge(var.labels, { "managed-by" = "alchemesh", "code" = var.name }) :
    substr(replace(key, "/[^\\p{L}\\p{Z}\\p{N}_.:/=+@-]/", "_"), 0, 128) => substr(replace(value, "/[^\\p{L}\\p{Z}\\p{N}_.:/=+@-]/", "_"), 0, 256)...
  }
  tags = { for key, values in local.tag_groups : key => values[0] }
}

# --- Role -------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count = local.create_role ? 1 : 0

  name               = local.role_name
  description        = "Runs ${var.domain}/${var.product} `${var.name}` (Glue job ${local.job_name}); managed by alchemesh."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "glue_service" {
  count = local.create_role ? 1 : 0

  role       = aws_iam_role.this[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWSGlueServiceRole"
}

resource "aws_iam_role_policy_attachment" "additional" {
  for_each = local.create_role ? toset(var.additional_policy_arns) : toset([])

  role       = aws_iam_role.this[0].name
  policy_arn = each.value
}

data "aws_iam_policy_document" "data_access" {
  statement {
    sid       = "ReadScript"
    actions   = ["s3:GetObject"]
    resources = ["arn:${local.partition}:s3:::${local.script_path[0]}/${local.script_path[1]}"]
  }

  dynamic "statement" {
    for_each = length(local.input_paths) > 0 ? [local.input_paths] : []
    content {
      sid       = "ReadInputs"
      actions   = ["s3:GetObject"]
      resources = [for path in statement.value : "arn:${local.partition}:s3:::${path[0]}/${path[1]}*"]
    }
  }

  dynamic "statement" {
    for_each = length(local.output_paths) + length(local.temp_paths) > 0 ? [concat(local.output_paths, local.temp_paths)] : []
    content {
      sid       = "WriteOutputs"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
      resources = [for path in statement.value : "arn:${local.partition}:s3:::${path[0]}/${path[1]}*"]
    }
  }

  dynamic "statement" {
    for_each = length(local.input_paths) + length(local.output_paths) + length(local.temp_paths) > 0 ? [concat(local.input_paths, local.output_paths, local.temp_paths)] : []
    content {
      sid       = "ListPortBuckets"
      actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
      resources = distinct([for path in statement.value : "arn:${local.partition}:s3:::${path[0]}"])
    }
  }

  dynamic "statement" {
    for_each = length(local.kms_key_arns) > 0 ? [local.kms_key_arns] : []
    content {
      sid       = "UseDataKeys"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
      resources = statement.value
    }
  }
}

resource "aws_iam_role_policy" "data_access" {
  count = local.create_role ? 1 : 0

  name   = "alchemesh-data-access"
  role   = aws_iam_role.this[0].id
  policy = data.aws_iam_policy_document.data_access.json
}

# --- Job --------------------------------------------------------------------------------------------

resource "aws_glue_job" "this" {
  name              = local.job_name
  description       = "Code `${var.name}` of the data product ${var.domain}/${var.product}; managed by alchemesh."
  role_arn          = local.create_role ? aws_iam_role.this[0].arn : var.role_arn
  glue_version      = var.glue_version
  worker_type       = var.worker_type
  number_of_workers = var.number_of_workers
  timeout           = var.timeout_minutes
  max_retries       = var.max_retries
  default_arguments = local.arguments
  tags              = local.tags

  command {
    name            = "glueetl"
    script_location = var.script_location
    python_version  = "3"
  }

  execution_property {
    max_concurrent_runs = var.max_concurrent_runs
  }

  depends_on = [aws_iam_role_policy.data_access, aws_iam_role_policy_attachment.glue_service]
}

resource "aws_glue_trigger" "schedule" {
  count = var.schedule == null ? 0 : 1

  name              = "${local.job_name}-schedule"
  description       = "Runs ${local.job_name} on ${var.schedule}."
  type              = "SCHEDULED"
  schedule          = var.schedule
  start_on_creation = true
  tags              = local.tags

  actions {
    job_name = aws_glue_job.this.name
  }
}
