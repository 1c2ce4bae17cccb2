# The sales/orders product's `orders` output port: ./.alchemesh/data/dev/sales/orders/orders.duckdb
# (base_dir is this folder) with one table, `orders`, typed from the contract.

module "orders" {
  source = "../.."

  mesh           = "quickstart"
  environment    = "dev"
  labels         = { mesh = "quickstart", environment = "dev", domain = "sales", product = "orders", port = "orders" }
  infrastructure = {}
  spec_dir       = path.module

  domain     = "sales"
  product    = "orders"
  port       = "orders"
  visibility = "public"
  consumers  = ["marketing/customer-value"]
  contract = {
    id      = "urn:datacontract:sales:orders"
    version = "1.1.0"
    objects = [
      {
        name          = "orders"
        physical_name = "orders"
        description   = "Orders, one row per order_id."
        properties = [
          { name = "order_id", logical_type = "string", physical_type = "VARCHAR", required = true, unique = true, primary_key = true, description = "The shop's order number.", classification = "internal" },
          { name = "ordered_at", logical_type = "timestamp", physical_type = null, required = true, unique = false, primary_key = false, description = "When the order was placed.", classification = "internal" },
          { name = "amount_eur", logical_type = "number", physical_type = "DECIMAL(10,2)", required = true, unique = false, primary_key = false, description = "Order total in euros.", classification = "internal" },
        ]
      },
    ]
  }

  base_dir = "."
}

output "location" {
  description = "The port's DuckDB file."
  value       = module.orders.location
}
