# A dbt model served as an output port. dbt builds the relation (your dbt runs: dbt Cloud, a scheduler, `dbt build`
# in CI); the port says where it is, so that consumers, the catalog and `alchemesh test` find it.

locals {
  spec_dir = trimsuffix(var.spec_dir, "/") # as given: relative to the stack, so that state holds no checkout path
  # a relative `location` (a dbt-duckdb file) starts at the product's folder
  location = var.location == null ? var.relation : (
    can(regex("^(/|[A-Za-z]:[/\\\\])", var.location)) ? var.location : "${local.spec_dir}/${var.location}"
  )
}
