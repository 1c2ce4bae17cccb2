# sales/orders filling its `orders` port.

module "build_orders" {
  source = "../.."

  mesh           = "shop"
  environment    = "dev"
  labels         = { mesh = "shop", environment = "dev", domain = "sales", product = "orders" }
  infrastructure = {}
  spec_dir       = path.module

  domain  = "sales"
  product = "orders"
  name    = "build-orders"
  inputs  = {}
  outputs = { orders = "postgresql://127.0.0.1:5432/shop?schema=sales_orders" }

  sql_file = "orders.sql"
}

output "role" {
  description = "The role the SQL runs as."
  value       = module.build_orders.role
}
