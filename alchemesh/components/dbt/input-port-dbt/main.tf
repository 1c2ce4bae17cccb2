# Data a dbt model reads: a dbt source (an operational system's tables) or another product's dbt model. dbt
# resolves both (`source()`, `ref()`); the port records where the data comes from, for the mesh's lineage.

locals {
  system = var.source_system == null ? "" : var.source_system
  location = var.upstream_location != null && var.upstream_location != "" ? var.upstream_location : (
    var.relation != null ? var.relation : ""
  )
}
