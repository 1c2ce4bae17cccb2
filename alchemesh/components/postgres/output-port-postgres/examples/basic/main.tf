# The sales/orders product's `orders` port: schema sales_orders, table orders, readable by shop_marketing_customer_value.

module "orders" {
  source = "../.."

  mesh           = "shop"
  environment    = "dev"
  labels         = { mesh = "shop", environment = "dev", domain = "sales", product = "orders", port = "orders" }
  infrastructure = { postgres = { host = "127.0.0.1", port = 5432, database = "shop" } }
  spec_dir       = path.module

  domain     = "sales"
  product    = "orders"
  port       = "orders"
  visibility = "public"
  consumers  = ["marketing/customer-value"]
  contract = {
    id      = "urn:datacontract:sales:orders"
    version = "1.0.0"
    objects = [
      {
        name          = "orders"
        physical_name = null
        description   = "One row per order."
        properties = [
          { name = "order_id", logical_type = "string", physical_type = "VARCHAR(20)", required = true, unique = true, primary_key = true, description = "The order number.", classification = "internal" },
          { name = "amount_eur", logical_type = "number", physical_type = "NUMERIC(10,2)", required = true, unique = false, primary_key = false, description = "Order total.", classification = "internal" },
        ]
      },
    ]
  }
}

output "location" {
  description = "postgresql://127.0.0.1:5432/shop?schema=sales_orders"
  value       = module.orders.location
}
