output "job_name" {
  description = "The Glue job's name."
  value       = aws_glue_job.this.name
}

output "job_arn" {
  description = "The Glue job's ARN."
  value       = aws_glue_job.this.arn
}

output "role_arn" {
  description = "The IAM role the job runs as: give it to output ports' readers or Lake Formation grants as needed."
  value       = local.create_role ? aws_iam_role.this[0].arn : var.role_arn
}

output "trigger_name" {
  description = "The scheduled trigger's name; null without a schedule."
  value       = var.schedule == null ? null : aws_glue_trigger.schedule[0].name
}

output "run_command" {
  description = "The AWS CLI command that starts a run by hand."
  value       = "aws glue start-job-run --job-name ${aws_glue_job.this.name}"
}
