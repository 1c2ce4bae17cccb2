output "location" {
  description = "The upstream DuckDB file (`var.upstream_location`), once checked: the product's code attaches it read-only."
  value       = null_resource.upstream.triggers.location
}
