# The server of a mesh, as `spec.infrastructure: [{name: postgres, component: postgres-server}]` declares it.

module "postgres" {
  source = "../.."

  mesh           = "shop"
  environment    = "dev"
  labels         = { mesh = "shop", environment = "dev" }
  infrastructure = {}
  spec_dir       = path.module
  domain         = ""
  name           = "postgres"

  host        = "127.0.0.1"
  server_port = 5432
  database    = "shop"
}

output "address" {
  description = "Where the mesh's ports are."
  value       = "${module.postgres.host}:${module.postgres.port}/${module.postgres.database}"
}
