output "location" {
  description = "The producer's port (`var.upstream_location`, empty until the producer is applied): the product's code reads its tables in place."
  value       = local.upstream
}

output "schema" {
  description = "The producer's schema."
  value       = local.schema
}
