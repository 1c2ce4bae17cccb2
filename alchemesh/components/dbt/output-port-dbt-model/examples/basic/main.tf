# The shop project's `orders` model as the sales product's `orders` port.

module "orders" {
  source = "../.."

  mesh           = "shop"
  environment    = "dev"
  labels         = { mesh = "shop", environment = "dev", domain = "shop", product = "sales", port = "orders" }
  infrastructure = {}
  spec_dir       = path.module

  domain     = "shop"
  product    = "sales"
  port       = "orders"
  visibility = "public"
  consumers  = ["marketing/growth"]
  contract   = null

  relation = "analytics.main.orders"
}

output "location" {
  description = "analytics.main.orders"
  value       = module.orders.location
}
