data "aws_partition" "current" {}

locals {
  kms_key_arn = var.kms_key_arn != null ? var.kms_key_arn : try(var.infrastructure[var.infrastructure_entry].kms_key_arn, null)
  format      = var.format == null ? null : upper(var.format)
  prefix      = "${var.port}/"

  # Bucket names: 3-63 lowercase letters, digits and hyphens, globally unique.
  derived_name = trim(replace(replace(lower("${var.mesh}-${var.environment}-${var.domain}-${var.product}-${var.port}"), "/[^a-z0-9-]/", "-"), "/-+/", "-"), "-")
  bucket_name = var.bucket_name != null ? var.bucket_name : (
    length(local.derived_name) <= 63 ? local.derived_name : "${trim(substr(local.derived_name, 0, 54), "-")}-${substr(sha1(local.derived_name), 0, 8)}"
  )

  writers = [for principal in var.writer_principals : principal if principal != ""]
  readers = [for principal in var.reader_principals : principal if principal != ""]

  # AWS tags: letters, digits, spaces and `_ . : / = + - @`; keys up to 128 characters, values up to 256.
  tag_groups = {
    for key, value in merge(var.labels, {
      "managed-by"    = "alchemesh"
      "source-system" = var.source_system == null ? "none" : var.source_system
      "file-format"   = local.format == null ? "any" : local.format
    }) :
    substr(replace(key, "/[^\\p{L}\\p{Z}\\p{N}_.:/=+@-]/", "_"), 0, 128) => substr(replace(value, "/[^\\p{L}\\p{Z}\\p{N}_.:/=+@-]/", "_"), 0, 256)...
  }
  tags = { for key, values in local.tag_groups : key => values[0] }
}

resource "aws_s3_bucket" "this" {
  bucket        = local.bucket_name
  force_destroy = var.force_destroy
  tags          = local.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = local.kms_key_arn
    }
    bucket_key_enabled = local.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = var.versioning ? "Enabled" : "Disabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = var.retention_days == null ? 0 : 1

  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-landed-files"
    status = "Enabled"

    filter {
      prefix = local.prefix
    }

    expiration {
      days = var.retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

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

  dynamic "statement" {
    for_each = length(local.writers) > 0 ? [local.writers] : []
    content {
      sid       = "SourceSystemWrites"
      effect    = "Allow"
      actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
      resources = ["${aws_s3_bucket.this.arn}/${local.prefix}*"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.readers) > 0 ? [local.readers] : []
    content {
      sid       = "ReadersList"
      effect    = "Allow"
      actions   = ["s3:ListBucket"]
      resources = [aws_s3_bucket.this.arn]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = [local.prefix, "${local.prefix}*"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.readers) > 0 ? [local.readers] : []
    content {
      sid       = "ReadersGet"
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.this.arn}/${local.prefix}*"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}
