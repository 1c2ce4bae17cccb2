output "location" {
  description = "Where the product's code finds the landed files: `s3://<bucket>/<port>/`."
  value       = "s3://${aws_s3_bucket.this.id}/${local.prefix}"
}

output "bucket" {
  description = "The landing bucket's name."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "The landing bucket's ARN."
  value       = aws_s3_bucket.this.arn
}

output "prefix" {
  description = "The folder inside the bucket files land in (and the retention rule applies to)."
  value       = local.prefix
}

output "format" {
  description = "The delivered file format, upper-cased; null when not declared."
  value       = local.format
}
