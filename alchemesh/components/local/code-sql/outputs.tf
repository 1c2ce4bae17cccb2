output "sql_file" {
  description = "Path (relative to the stack, as spec_dir is) of the SQL file the code runs."
  value       = null_resource.run.triggers.sql_file
}

output "database" {
  description = "The DuckDB database the SQL runs in (the location of the `output` port)."
  value       = lookup(var.outputs, local.output, "")
}
