# A whole local data product: the shop's CSV export (./data/shop) → transform/orders.sql → the
# `orders` output port's DuckDB file (./.alchemesh/data/dev/sales/orders/orders.duckdb).
# `terraform apply`, then: duckdb .alchemesh/data/dev/sales/orders/orders.duckdb 'FROM orders'

locals {
  product = { mesh = "quickstart", environment = "dev", domain = "sales", product = "orders" }
}

module "input_shop" {
  source = "../../../input-port-landing"

  mesh           = local.product.mesh
  environment    = local.product.environment
  labels         = merge(local.product, { port = "shop" })
  infrastructure = {}
  spec_dir       = path.module
  domain         = local.product.domain
  product        = local.product.product
  port           = "shop"
  source_system  = "shop"
  base_dir       = "."
}

module "output_orders" {
  source = "../../../output-port-duckdb"

  mesh           = local.product.mesh
  environment    = local.product.environment
  labels         = merge(local.product, { port = "orders" })
  infrastructure = {}
  spec_dir       = path.module
  domain         = local.product.domain
  product        = local.product.product
  port           = "orders"
  visibility     = "public"
  consumers      = []
  contract = {
    id      = "urn:datacontract:sales:orders"
    version = "1.0.0"
    objects = [
      {
        name          = "orders"
        physical_name = "orders"
        description   = "Orders, one row per order_id."
        properties = [
          { name = "order_id", logical_type = "string", physical_type = "VARCHAR", required = true, unique = true, primary_key = true, description = null, classification = null },
          { name = "ordered_at", logical_type = "timestamp", physical_type = "TIMESTAMP", required = true, unique = false, primary_key = false, description = null, classification = null },
          { name = "amount_eur", logical_type = "number", physical_type = "DECIMAL(10,2)", required = true, unique = false, primary_key = false, description = null, classification = null },
        ]
      },
    ]
  }
  base_dir = "."
}

module "code_build_orders" {
  source = "../.."

  mesh           = local.product.mesh
  environment    = local.product.environment
  labels         = local.product
  infrastructure = {}
  spec_dir       = path.module
  domain         = local.product.domain
  product        = local.product.product
  name           = "build-orders"
  inputs         = { shop = module.input_shop.location }
  outputs        = { orders = module.output_orders.location }

  sql_file = "transform/orders.sql"
}

output "database" {
  description = "The DuckDB file the SQL filled."
  value       = module.code_build_orders.database
}
