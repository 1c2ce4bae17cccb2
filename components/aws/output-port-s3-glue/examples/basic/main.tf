# The `orders` output port of sales/orders-v2 on AWS: Parquet files in a dedicated bucket, a Glue
# database with one table per contract object, and Lake Formation SELECT for the two consumers.

terraform {
  required_version = ">= 1.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

module "orders" {
  source = "../.."

  mesh           = "acme-retail"
  environment    = "dev"
  labels         = { mesh = "acme-retail", environment = "dev", domain = "sales", product = "orders-v2", port = "orders", "cost-center" = "4200" }
  infrastructure = {}
  spec_dir       = path.module
  domain         = "sales"
  product        = "orders-v2"
  port           = "orders"
  visibility     = "public"
  consumers      = ["commerce/sales-daily", "marketing/customer-360"]
  contract = {
    id      = "urn:datacontract:sales:orders-v2"
    version = "2.0.0"
    objects = [
      {
        name          = "orders"
        physical_name = "orders"
        description   = "One row per order line."
        properties = [
          { name = "order_id", logical_type = "string", physical_type = "STRING", required = true, unique = false, primary_key = true, description = "The order's id.", classification = "internal" },
          { name = "line_number", logical_type = "integer", physical_type = "INT64", required = true, unique = false, primary_key = true, description = null, classification = "internal" },
          { name = "net_amount", logical_type = "number", physical_type = "NUMERIC", required = true, unique = false, primary_key = false, description = "Net amount in euros.", classification = "confidential" },
          { name = "order_date", logical_type = "date", physical_type = "DATE", required = true, unique = false, primary_key = false, description = "Day the order was placed.", classification = null },
        ]
      },
    ]
  }

  partition_keys              = { orders = ["order_date"] }
  consumer_principal_template = "arn:aws:iam::123456789012:role/acme-retail-{environment}-{domain}-{product}"
}

output "location" {
  value = module.orders.location
}

output "glue_tables" {
  value = module.orders.glue_tables
}
