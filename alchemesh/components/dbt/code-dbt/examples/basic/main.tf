# The shop project's models of the sales group.

module "shop" {
  source = "../.."

  mesh           = "shop"
  environment    = "dev"
  labels         = { mesh = "shop", environment = "dev", domain = "shop", product = "sales" }
  infrastructure = {}
  spec_dir       = path.module

  domain  = "shop"
  product = "sales"
  name    = "shop"
  inputs  = {}
  outputs = { orders = "analytics.main.orders" }

  project = "shop"
  select  = "group:sales"
}

output "command" {
  description = "dbt build --select group:sales"
  value       = module.shop.command
}
