# The `shopify` input port of sales/orders-v2 on AWS: a landing bucket the Shopify export writes
# JSON files into from another account, kept 30 days.

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

module "shopify" {
  source = "../.."

  mesh           = "acme-retail"
  environment    = "dev"
  labels         = { mesh = "acme-retail", environment = "dev", domain = "sales", product = "orders-v2", port = "shopify" }
  infrastructure = {}
  spec_dir       = path.module
  domain         = "sales"
  product        = "orders-v2"
  port           = "shopify"
  source_system  = "shopify"

  format            = "JSON"
  retention_days    = 30
  writer_principals = ["arn:aws:iam::210987654321:role/shopify-export"]
}

output "location" {
  value = module.shopify.location
}
