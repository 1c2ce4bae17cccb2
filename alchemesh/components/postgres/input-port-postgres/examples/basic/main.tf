# marketing/customer-value reading sales/orders/orders.

module "orders" {
  source = "../.."

  mesh           = "shop"
  environment    = "dev"
  labels         = { mesh = "shop", environment = "dev", domain = "marketing", product = "customer-value", port = "orders" }
  infrastructure = {}
  spec_dir       = path.module

  domain            = "marketing"
  product           = "customer-value"
  port              = "orders"
  upstream_port     = "sales/orders/orders"
  upstream_location = "postgresql://127.0.0.1:5432/shop?schema=sales_orders"
}

output "schema" {
  description = "The producer's schema: sales_orders."
  value       = module.orders.schema
}
