output "location" {
  description = "postgresql://HOST:PORT/DATABASE?schema=SCHEMA&role=TESTER, once the tables exist: consumers read the data there (as the user of their own environment), and `alchemesh test` as the environment's tester role."
  # Unknown at plan time whenever the port is (re)made, so that the product's code runs again after it.
  value = null_resource.port.id != "" ? "postgresql://${local.host}:${local.tcp_port}/${local.database}?schema=${local.schema}&role=${local.tester}" : ""
}

output "schema" {
  description = "The product's schema."
  value       = local.schema
}

output "owner" {
  description = "The product's own role: it owns the schema and its tables, and its code runs as it."
  value       = local.owner
}

output "readers" {
  description = "The consumer products' roles granted SELECT on the port's tables."
  value       = local.readers
}

output "tester" {
  description = "The environment's tester role: SELECT on the port's tables and nothing else; `alchemesh test` reads as it."
  value       = local.tester
}

output "alchemesh_guard" {
  description = "For alchemesh's plan guard: the resource that holds the port's data (a plan deleting or replacing it stops unless allowed), and the consumers' access (a removal names who loses it). No `schema`: one resource migrates the tables and the grants alike, so a change to it does not tell a migration from a reader coming or going."
  value = {
    data   = ["null_resource.data"]
    grants = ["null_resource.access"]
  }
}
