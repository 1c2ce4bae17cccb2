output "sql_file" {
  description = "Path (relative to the stack, as spec_dir is) of the SQL file the code runs."
  value       = null_resource.run.triggers.sql_file
}

output "role" {
  description = "The role the SQL runs as: the product's own."
  value       = local.role
}
