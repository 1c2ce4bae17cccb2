# The `customers` input port of marketing/customer-360: views in the marketing project over the
# crm/customers/customers output port.

terraform {
  required_version = ">= 1.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 8.0"
    }
  }
}

provider "google" {
  region = "europe-west1"
}

module "customers" {
  source = "../.."

  mesh        = "acme-retail"
  environment = "dev"
  labels      = { mesh = "acme-retail", environment = "dev", domain = "marketing", product = "customer-360", port = "customers" }
  infrastructure = {
    project = {
      project_id                     = "acme-marketing-dev"
      runtime_service_account_member = "serviceAccount:data-products@acme-marketing-dev.iam.gserviceaccount.com"
    }
  }
  spec_dir          = path.module
  domain            = "marketing"
  product           = "customer-360"
  port              = "customers"
  upstream_port     = "crm/customers/customers"
  upstream_location = "acme-crm-dev.crm_customers_customers"

  location = "EU"
  tables   = ["customers"]
}

output "location" {
  value = module.customers.location
}

output "views" {
  value = module.customers.views
}
