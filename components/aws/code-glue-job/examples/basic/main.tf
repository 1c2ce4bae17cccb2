# The `build-orders` code of sales/orders-v2 on AWS: a Glue Spark job reading the Shopify landing
# bucket and writing the orders port, every night at 03:00 UTC.

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

module "build_orders" {
  source = "../.."

  mesh           = "acme-retail"
  environment    = "dev"
  labels         = { mesh = "acme-retail", environment = "dev", domain = "sales", product = "orders-v2" }
  infrastructure = {}
  spec_dir       = path.module
  domain         = "sales"
  product        = "orders-v2"
  name           = "build-orders"
  inputs         = { shopify = "s3://acme-retail-dev-sales-orders-v2-shopify/shopify/" }
  outputs        = { orders = "s3://acme-retail-dev-sales-orders-v2-orders/sales/orders-v2/orders/" }

  script_location = "s3://acme-data-jobs-dev/sales/orders-v2/build_orders.py"
  schedule        = "cron(0 3 * * ? *)"
}

output "role_arn" {
  value = module.build_orders.role_arn
}
