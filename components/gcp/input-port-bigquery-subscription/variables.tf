# --- The input-port interface (components/README.md) --------------------------------------------

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
  description = "Outputs of the infrastructure stacks, by entry name. Read: `[infrastructure_entry].project_id` (the consumer's project, where the views go) and `[infrastructure_entry].runtime_service_account_member` (granted read access), as gcp/project outputs them."
}

variable "spec_dir" {
  type        = string
  default     = "."
  description = "Path (relative to the stack folder, where Terraform runs) of the folder holding the product's YAML file. Not read by this module."
}

variable "domain" {
  type        = string
  description = "The domain of the consuming product."
}

variable "product" {
  type        = string
  description = "The consuming product."
}

variable "port" {
  type        = string
  description = "The input port's name."
}

variable "source_system" {
  type        = string
  default     = null
  description = "Unused: this port reads another product's output port, not an operational system."
}

variable "upstream_port" {
  type        = string
  default     = null
  description = "The output port read, `domain/product/port`; put on the dataset's description and labels."
}

variable "upstream_location" {
  type        = string
  default     = null
  description = "Where the upstream port's data is: `<project>.<dataset>`, the `location` output of gcp/output-port-bigquery. Empty or null until the producer is applied: the dataset is then created without views."

  validation {
    condition     = var.upstream_location == null || var.upstream_location == "" || can(regex("^[a-z][a-z0-9.:-]*[a-z0-9]\\.[A-Za-z0-9_]+$", var.upstream_location))
    error_message = "The upstream_location must be `<project>.<dataset>`, as gcp/output-port-bigquery outputs it."
  }
}

# --- Configuration ------------------------------------------------------------------------------

variable "project_id" {
  type        = string
  default     = null
  description = "The consumer's project, when `var.infrastructure` has none. Null for both: the provider's project."
}

variable "infrastructure_entry" {
  type        = string
  default     = "project"
  description = "The infrastructure entry (a gcp/project) whose outputs give the project and the runtime service account."
}

variable "dataset_id" {
  type        = string
  default     = null
  description = "The id of the consumer-side dataset holding the views. Default: `<product>_in_<port>`, hyphens made underscores."
}

variable "location" {
  type        = string
  default     = null
  description = "The consumer dataset's location; views only work in the upstream dataset's location. Null: the upstream dataset's location (read from BigQuery), or EU before the producer exists."
}

variable "tables" {
  type        = list(string)
  default     = null
  description = "The upstream tables to expose as views. Null: every table of the upstream dataset, listed at plan time."
}

variable "authorize_views" {
  type        = bool
  default     = false
  description = "Authorize the consumer dataset on the upstream dataset (an authorized dataset), so that whoever may read the views reads the data without a grant on the upstream dataset. Needs the deploying identity to update the upstream dataset's access list; off, reading relies on the producer's grant to the consumer's principal."
}

variable "reader_principals" {
  type        = list(string)
  default     = []
  description = "IAM members granted read access (READER, i.e. roles/bigquery.dataViewer) on the consumer dataset. The domain's runtime service account from `var.infrastructure` is added when present."
}

variable "delete_contents_on_destroy" {
  type        = bool
  default     = true
  description = "Let `terraform destroy` delete the consumer dataset with its views (views hold no data)."
}
