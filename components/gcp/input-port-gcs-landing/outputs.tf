output "location" {
  description = "Where the product's code finds the landed files: `gs://<bucket>/<port>/`."
  value       = "gs://${google_storage_bucket.this.name}/${local.prefix}"
}

output "bucket" {
  description = "The landing bucket's name."
  value       = google_storage_bucket.this.name
}

output "prefix" {
  description = "The folder inside the bucket files land in (and the retention rule applies to)."
  value       = local.prefix
}

output "format" {
  description = "The delivered file format, upper-cased; null when not declared."
  value       = local.format
}
