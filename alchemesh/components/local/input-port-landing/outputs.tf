output "location" {
  description = "Absolute path of the landing folder: the product's code finds one file per table in it."
  value       = null_resource.folder.triggers.path
}
