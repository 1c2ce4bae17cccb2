# A dbt model served as an output port. dbt builds the relation (your dbt runs: dbt Cloud, a scheduler, `dbt build`
# in CI); the port says where it is, so that consumers, the catalog and `alchemesh test` find it.

locals {
  location = var.location != null ? var.location : var.relation
}
