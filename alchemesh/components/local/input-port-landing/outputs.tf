output "location" {
  description = "Path (relative to the stack, as spec_dir is) of the landing folder: the product's code finds one file per table in it."
  value       = null_resource.folder.triggers.path
}
