# The `crm` domain's project in `dev`: `acme-crm-dev`, billed to the company account, with the
# `data-products` runtime service account the domain's ports and jobs use.

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

module "project" {
  source = "../.."

  mesh           = "acme-retail"
  environment    = "dev"
  labels         = { mesh = "acme-retail", environment = "dev", domain = "crm" }
  infrastructure = {}
  spec_dir       = path.module
  domain         = "crm"
  name           = "project"

  project_prefix  = "acme-crm"
  billing_account = "01A2B3-C4D5E6-F7A8B9"
  folder_id       = "folders/123456789012"
}

output "project_id" {
  value = module.project.project_id
}

output "runtime_service_account" {
  value = module.project.runtime_service_account_member
}
