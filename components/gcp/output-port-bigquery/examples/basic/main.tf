# The `customers` output port of crm/customers: a BigQuery dataset in the domain project with one
# table per contract object, readable by the two products that consume it.

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
  labels = {
    mesh          = "acme-retail"
    environment   = "dev"
    domain        = "crm"
    product       = "customers"
    port          = "customers"
    tier          = "gold"
    "cost-center" = "4100"
  }
  # What gcp/project hands to the domain's components (normally read from the domain stack's state).
  infrastructure = {
    project = {
      project_id                     = "acme-crm-dev"
      runtime_service_account_member = "serviceAccount:data-products@acme-crm-dev.iam.gserviceaccount.com"
    }
  }
  spec_dir   = path.module
  domain     = "crm"
  product    = "customers"
  port       = "customers"
  visibility = "public"
  consumers  = ["crm/loyalty-members", "marketing/customer-360"]
  contract = {
    id      = "urn:datacontract:crm:customers"
    version = "2.1.0"
    objects = [
      {
        name          = "customers"
        physical_name = "customers"
        description   = "One row per customer account."
        properties = [
          { name = "customer_id", logical_type = "string", physical_type = "STRING", required = true, unique = true, primary_key = true, description = "The CRM account id.", classification = "internal" },
          { name = "email_sha256", logical_type = "string", physical_type = "STRING", required = false, unique = false, primary_key = false, description = "SHA-256 of the lower-cased e-mail address.", classification = "confidential" },
          { name = "lifetime_value", logical_type = "number", physical_type = "NUMERIC", required = false, unique = false, primary_key = false, description = null, classification = "confidential" },
          { name = "created_on", logical_type = "date", physical_type = "DATE", required = true, unique = false, primary_key = false, description = "Day the account was opened.", classification = null },
        ]
      },
    ]
  }

  location                    = "EU"
  partition_fields            = { customers = "created_on" }
  consumer_principal_template = "serviceAccount:data-products@acme-{domain}-{environment}.iam.gserviceaccount.com"
  reader_principals           = ["group:crm-analysts@acme.example"]
  policy_tags = {
    confidential = "projects/acme-data-platform-dev/locations/eu/taxonomies/1234567890/policyTags/987654321"
  }
}

output "location" {
  value = module.customers.location
}

output "tables" {
  value = module.customers.tables
}
