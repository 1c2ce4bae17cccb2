output "location" {
  description = "Path (relative to the stack, as spec_dir is) of the port's DuckDB file, once its tables exist: consumers attach it read-only."
  # Unknown at plan time whenever the tables are (re)made, so that the product's code, which gets this
  # location among its `outputs`, runs again after a contract change and fills the tables.
  value = null_resource.tables.id != "" ? null_resource.tables.triggers.path : null_resource.tables.triggers.path
}

output "alchemesh_guard" {
  description = "For alchemesh's plan guard: the resource that holds the port's data (a plan deleting or replacing it stops unless allowed)."
  value = {
    data   = ["null_resource.database"]
    schema = ["null_resource.tables"]
  }
}
