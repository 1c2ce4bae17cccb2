# The shop's export lands in ./data/shop (base_dir is this folder): `terraform apply` creates it.

module "landing" {
  source = "../.."

  mesh           = "quickstart"
  environment    = "dev"
  labels         = { mesh = "quickstart", environment = "dev", domain = "sales", product = "orders", port = "shop" }
  infrastructure = {}
  spec_dir       = path.module

  domain        = "sales"
  product       = "orders"
  port          = "shop"
  source_system = "shop"

  base_dir = "."
}

output "location" {
  description = "The landing folder."
  value       = module.landing.location
}
