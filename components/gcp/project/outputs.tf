output "project_id" {
  description = "The project's id: components of the domain read it as `var.infrastructure[\"<entry>\"].project_id`."
  value       = google_project.this.project_id
}

output "project_number" {
  description = "The project's number."
  value       = google_project.this.number
}

output "region" {
  description = "The project's default region, for regional components (Cloud Run jobs, Cloud Scheduler)."
  value       = var.region
}

output "services" {
  description = "The APIs enabled in the project."
  value       = sort([for service in google_project_service.this : service.service])
}

output "runtime_service_account_email" {
  description = "Email of the service account the domain's data product code runs as; null without one."
  value       = local.create_runtime_account ? google_service_account.runtime[0].email : null
}

output "runtime_service_account_member" {
  description = "The same account as an IAM member (`serviceAccount:...`), as the port modules grant it; null without one."
  value       = local.create_runtime_account ? "serviceAccount:${google_service_account.runtime[0].email}" : null
}

output "labels" {
  description = "The labels put on the project, after sanitising."
  value       = local.labels
}
