# A dbt project's models of one product: the project and the selector that builds them. Running dbt stays with the
# team's dbt orchestration (dbt Cloud, a scheduler, `dbt build --select` in CI); the entry records it in the mesh.

locals {
  command = "dbt build --select ${var.select}"
}
