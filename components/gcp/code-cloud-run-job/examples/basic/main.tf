# The `sync-customers` code of crm/customers: a Cloud Run job reading the Salesforce landing bucket
# and writing the customers dataset, every night at 02:00.

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

module "sync_customers" {
  source = "../.."

  mesh        = "acme-retail"
  environment = "dev"
  labels      = { mesh = "acme-retail", environment = "dev", domain = "crm", product = "customers" }
  infrastructure = {
    project = {
      project_id                    = "acme-crm-dev"
      region                        = "europe-west1"
      runtime_service_account_email = "data-products@acme-crm-dev.iam.gserviceaccount.com"
    }
  }
  spec_dir = path.module
  domain   = "crm"
  product  = "customers"
  name     = "sync-customers"
  inputs   = { salesforce = "gs://acme-retail-dev-crm-customers-salesforce/salesforce/" }
  outputs  = { customers = "acme-crm-dev.crm_customers_customers" }

  image     = "europe-west1-docker.pkg.dev/acme-data-platform/data-jobs/crm-customers:2.3.1"
  schedule  = "0 2 * * *"
  time_zone = "Europe/Paris"
}

output "run_command" {
  value = module.sync_customers.run_command
}
