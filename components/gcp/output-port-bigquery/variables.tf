# --- The output-port interface (components/README.md) -------------------------------------------

variable "mesh" {
  type        = string
  description = "The Mesh's name."
}

variable "environment" {
  type        = string
  description = "The environment being built (dev, prod, ...)."
}

variable "labels" {
  type        = map(string)
  default     = {}
  description = "Labels to put on every resource (mesh, environment, domain, product, port, ...); sanitised to GCP label rules."
}

variable "infrastructure" {
  type        = any
  default     = {}
  description = "Outputs of the infrastructure stacks, by entry name. Read: `[infrastructure_entry].project_id` (the project to create the dataset in) and `[infrastructure_entry].runtime_service_account_member` (granted write access), as gcp/project outputs them."
}

variable "spec_dir" {
  type        = string
  default     = "."
  description = "Path (relative to the stack folder, where Terraform runs) of the folder holding the product's YAML file. Not read by this module."
}

variable "domain" {
  type        = string
  description = "The domain of the product owning the port."
}

variable "product" {
  type        = string
  description = "The product owning the port."
}

variable "port" {
  type        = string
  description = "The output port's name."
}

variable "visibility" {
  type        = string
  description = "The port's visibility: public, domain or private. Put on the dataset as a label; access itself follows `consumers`."

  validation {
    condition     = contains(["public", "domain", "private"], var.visibility)
    error_message = "The visibility must be public, domain or private."
  }
}

variable "contract" {
  type        = any
  default     = null
  description = "The port's contract, `{id, version, objects = [{name, physical_name, description, properties = [{name, logical_type, physical_type, required, unique, primary_key, description, classification}]}]}`: one table per object. Null without a contract: an empty dataset."
}

variable "consumers" {
  type        = list(string)
  default     = []
  description = "The products (`domain/product`) reading the port: each gets read access (READER, i.e. roles/bigquery.dataViewer) on the dataset, as the principal `consumer_principals` or `consumer_principal_template` gives it."
}

# --- Configuration ------------------------------------------------------------------------------

variable "location" {
  type        = string
  default     = "EU"
  description = "The dataset's location (EU, US, europe-west1, ...). Consumers' views must live in the same location."
}

variable "project_id" {
  type        = string
  default     = null
  description = "The project to create the dataset in, when `var.infrastructure` has none. Null for both: the provider's project."
}

variable "infrastructure_entry" {
  type        = string
  default     = "project"
  description = "The infrastructure entry (a gcp/project) whose outputs give the project and the runtime service account."
}

variable "dataset_id" {
  type        = string
  default     = null
  description = "The dataset id. Default: `<domain>_<product>_<port>`, hyphens made underscores."
}

variable "retention_days" {
  type        = number
  default     = null
  description = "Days a partition is kept in the tables partitioned by `partition_fields` (and the dataset's default for new partitioned tables). Null: kept forever."
}

variable "partition_fields" {
  type        = map(string)
  default     = {}
  description = "Contract object name → a DATE or TIMESTAMP property to partition that table by day."
}

variable "clustering_fields" {
  type        = map(list(string))
  default     = {}
  description = "Contract object name → up to four properties to cluster that table by."
}

variable "consumer_principals" {
  type        = map(string)
  default     = {}
  description = "Consumer product (`domain/product`) → the IAM member it reads as (`serviceAccount:data-products@acme-crm-prod.iam.gserviceaccount.com`, `group:...`). Wins over `consumer_principal_template`."
}

variable "consumer_principal_template" {
  type        = string
  default     = null
  description = "The IAM member of consumers missing from `consumer_principals`, with `{mesh}`, `{environment}`, `{domain}` and `{product}` replaced: e.g. `serviceAccount:data-products@acme-{domain}-{environment}.iam.gserviceaccount.com` when every domain runs gcp/project with prefix `acme-<domain>`. Null: consumers without an explicit principal get no grant (see the `ungranted_consumers` output)."
}

variable "reader_principals" {
  type        = list(string)
  default     = []
  description = "Further IAM members granted read access (READER), outside the mesh's products (BI tools, analyst groups)."
}

variable "writer_principals" {
  type        = list(string)
  default     = []
  description = "IAM members granted write access (WRITER, i.e. roles/bigquery.dataEditor): who loads the tables. The domain's runtime service account from `var.infrastructure` is added when present."
}

variable "policy_tags" {
  type        = map(string)
  default     = {}
  description = "Contract classification → Data Catalog policy tag (`projects/p/locations/eu/taxonomies/1/policyTags/2`) to put on every column of that classification, for column-level security."
}

variable "kms_key_name" {
  type        = string
  default     = null
  description = "A Cloud KMS key to encrypt the dataset's tables with. Null: Google-managed encryption."
}

variable "deletion_protection" {
  type        = bool
  default     = true
  description = "Refuse to delete (or replace, on an incompatible schema change) tables. Turn off only for throwaway environments."
}

variable "delete_contents_on_destroy" {
  type        = bool
  default     = false
  description = "Let `terraform destroy` delete the dataset while it still holds tables."
}
