# The growth product reading the sales product's `orders` model.

module "orders" {
  source = "../.."

  mesh           = "shop"
  environment    = "dev"
  labels         = { mesh = "shop", environment = "dev", domain = "marketing", product = "growth", port = "orders" }
  infrastructure = {}
  spec_dir       = path.module

  domain            = "marketing"
  product           = "growth"
  port              = "orders"
  upstream_port     = "shop/sales/orders"
  upstream_location = "analytics.main.orders"
}

output "location" {
  description = "analytics.main.orders"
  value       = module.orders.location
}
