output "location" {
  description = "Where the product's code finds the input: `<project>.<dataset>` of the consumer-side dataset of views."
  value       = "${google_bigquery_dataset.this.project}.${google_bigquery_dataset.this.dataset_id}"
}

output "dataset_id" {
  description = "The consumer-side dataset's id."
  value       = google_bigquery_dataset.this.dataset_id
}

output "views" {
  description = "Upstream table → the fully qualified view over it, `project.dataset.view`."
  value       = { for name, view in google_bigquery_table.views : name => "${view.project}.${view.dataset_id}.${view.table_id}" }
}

output "upstream_location" {
  description = "The upstream dataset read, `<project>.<dataset>`; \"\" before the producer is applied."
  value       = local.has_upstream ? var.upstream_location : ""
}
