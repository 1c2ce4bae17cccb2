output "command" {
  description = "The dbt command that builds the product's models."
  value       = local.command
}

output "project" {
  description = "The dbt project."
  value       = var.project
}
