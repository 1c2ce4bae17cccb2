output "location" {
  description = "Path (relative to the stack, as spec_dir is) of the port's DuckDB file, once its tables exist: consumers attach it read-only."
  # Unknown at plan time whenever the tables are (re)made, so that the product's code, which gets this
  # location among its `outputs`, runs again after a contract change and fills the tables.
  value = null_resource.tables.id != "" ? null_resource.tables.triggers.path : null_resource.tables.triggers.path
}
