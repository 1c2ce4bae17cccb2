# The `salesforce` input port of crm/customers: a landing bucket the Salesforce export drops Avro
# files into, kept 30 days.

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

module "salesforce" {
  source = "../.."

  mesh        = "acme-retail"
  environment = "dev"
  labels      = { mesh = "acme-retail", environment = "dev", domain = "crm", product = "customers", port = "salesforce" }
  infrastructure = {
    project = {
      project_id                     = "acme-crm-dev"
      runtime_service_account_member = "serviceAccount:data-products@acme-crm-dev.iam.gserviceaccount.com"
    }
  }
  spec_dir      = path.module
  domain        = "crm"
  product       = "customers"
  port          = "salesforce"
  source_system = "salesforce"

  format            = "AVRO"
  retention_days    = 30
  writer_principals = ["serviceAccount:salesforce-export@acme-integration-dev.iam.gserviceaccount.com"]
}

output "location" {
  value = module.salesforce.location
}
