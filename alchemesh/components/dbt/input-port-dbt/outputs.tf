output "location" {
  description = "The producer's port location for a ref, else the source's `relation` (empty when neither is known)."
  value       = local.location
}

output "system" {
  description = "The dbt source the port reads, for `source: {system: …}`; empty for a ref."
  value       = local.system
}
