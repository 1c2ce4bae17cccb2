# marketing/customer-value reads the DuckDB output port of sales/orders. In a mesh compiled by
# alchemesh, upstream_location comes from the producer stack's state; here it is a path, by default
# the database the code-sql example builds (apply that one first).

variable "orders_database" {
  type        = string
  description = "The sales/orders/orders output port's DuckDB file. Default: the code-sql example's."
  default     = null
}

locals {
  orders_database = var.orders_database != null ? var.orders_database : "${path.module}/../../../code-sql/examples/basic/.alchemesh/data/dev/sales/orders/orders.duckdb"
}

module "orders" {
  source = "../.."

  mesh           = "quickstart"
  environment    = "dev"
  labels         = { mesh = "quickstart", environment = "dev", domain = "marketing", product = "customer-value", port = "orders" }
  infrastructure = {}
  spec_dir       = path.module

  domain            = "marketing"
  product           = "customer-value"
  port              = "orders"
  upstream_port     = "sales/orders/orders"
  upstream_location = abspath(local.orders_database)
}

output "location" {
  description = "The upstream DuckDB file, attached read-only by the product's code."
  value       = module.orders.location
}
