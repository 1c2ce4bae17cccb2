output "location" {
  description = "`location` when given (a DuckDB file for dbt-duckdb, for `alchemesh test`), else the model's relation."
  value       = local.location
}

output "relation" {
  description = "The relation dbt builds: DATABASE.SCHEMA.ALIAS."
  value       = var.relation
}
