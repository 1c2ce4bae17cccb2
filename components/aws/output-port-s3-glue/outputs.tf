output "location" {
  description = "Where consumers find the data: `s3://<bucket>/<key_prefix>`; each table is a folder below it."
  value       = "s3://${local.bucket_id}/${local.key_prefix}"
}

output "bucket" {
  description = "The bucket holding the port's data."
  value       = local.bucket_id
}

output "key_prefix" {
  description = "The port's folder in the bucket."
  value       = local.key_prefix
}

output "glue_database" {
  description = "The Glue database of the port."
  value       = aws_glue_catalog_database.this.name
}

output "glue_tables" {
  description = "Contract object name → its Glue table's name (`<database>.<table>` in Athena)."
  value       = { for name, table in aws_glue_catalog_table.this : name => table.name }
}

output "table_locations" {
  description = "Contract object name → the S3 folder its files go in."
  value       = { for name, table in aws_glue_catalog_table.this : name => table.storage_descriptor[0].location }
}

output "granted_consumers" {
  description = "Consumer product → the principal granted Lake Formation SELECT."
  value       = local.consumer_members
}

output "ungranted_consumers" {
  description = "Consumer products with no principal in `consumer_principals` and no `consumer_principal_template`: they cannot read the port yet."
  value       = sort([for consumer, principal in local.consumer_candidates : consumer if principal == null])
}

output "alchemesh_guard" {
  description = "For alchemesh's plan guard: the resources that hold the port's data (a plan deleting or replacing one stops unless allowed) and those that grant a reader access (a removal names who loses it)."
  value = {
    data   = ["aws_s3_bucket.this", "aws_glue_catalog_database.this", "aws_glue_catalog_table.this"]
    grants = ["aws_lakeformation_permissions.*"]
    schema = ["aws_glue_catalog_table.this"]
  }
}
