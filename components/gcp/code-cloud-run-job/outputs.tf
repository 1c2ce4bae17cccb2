output "job_name" {
  description = "The Cloud Run job's name."
  value       = google_cloud_run_v2_job.this.name
}

output "job_id" {
  description = "The job's resource name, `projects/<project>/locations/<region>/jobs/<name>`."
  value       = google_cloud_run_v2_job.this.id
}

output "service_account_email" {
  description = "The service account the job runs as; null when it runs as the project's default compute account."
  value       = local.service_account
}

output "schedule" {
  description = "The Cloud Scheduler job triggering the job, `projects/<project>/locations/<region>/jobs/<name>`; null without a schedule."
  value       = var.schedule == null ? null : google_cloud_scheduler_job.this[0].id
}

output "run_command" {
  description = "The gcloud command that runs the job by hand."
  value       = "gcloud run jobs execute ${google_cloud_run_v2_job.this.name} --region ${google_cloud_run_v2_job.this.location} --project ${google_cloud_run_v2_job.this.project}"
}
