output "location" {
  description = "Where consumers find the data: `<project>.<dataset>`, what gcp/input-port-bigquery-subscription reads as `upstream_location`."
  value       = "${google_bigquery_dataset.this.project}.${google_bigquery_dataset.this.dataset_id}"
}

output "project_id" {
  description = "The project holding the dataset."
  value       = google_bigquery_dataset.this.project
}

output "dataset_id" {
  description = "The dataset's id."
  value       = google_bigquery_dataset.this.dataset_id
}

output "table_ids" {
  description = "Contract object name → the id of its table."
  value       = { for name, table in google_bigquery_table.this : name => table.table_id }
}

output "tables" {
  description = "Contract object name → the table's fully qualified name, `project.dataset.table`, as SQL quotes it."
  value       = { for name, table in google_bigquery_table.this : name => "${table.project}.${table.dataset_id}.${table.table_id}" }
}

output "granted_consumers" {
  description = "Consumer product → the IAM member granted read access to the dataset."
  value       = local.consumer_members
}

output "ungranted_consumers" {
  description = "Consumer products with no principal in `consumer_principals` and no `consumer_principal_template`: they cannot read the port yet."
  value       = sort([for consumer, member in local.consumer_candidates : consumer if member == null])
}

output "alchemesh_guard" {
  description = "For alchemesh's plan guard: the resources that hold the port's data (a plan deleting or replacing one stops unless allowed) and those that grant a reader access (a removal names who loses it)."
  value = {
    data   = ["google_bigquery_dataset.this", "google_bigquery_table.this"]
    grants = ["google_bigquery_dataset_access.this"]
    schema = ["google_bigquery_table.this"]
  }
}
