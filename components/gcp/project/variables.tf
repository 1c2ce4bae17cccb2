# --- The infrastructure interface (components/README.md) ------------------------------------------

variable "mesh" {
  type        = string
  description = "The Mesh's name."
}

variable "environment" {
  type        = string
  description = "The environment being built (dev, prod, ...): the suffix of the derived project id."
}

variable "labels" {
  type        = map(string)
  default     = {}
  description = "Labels to put on every resource (mesh, environment, domain, ...); sanitised to GCP label rules."
}

variable "infrastructure" {
  type        = any
  default     = {}
  description = "Outputs of the infrastructure stacks this entry depends on, by entry name (the mesh's, for a domain project). Not read by this module."
}

variable "spec_dir" {
  type        = string
  default     = "."
  description = "Path (relative to the stack folder, where Terraform runs) of the folder holding the YAML file that declares the entry. Not read by this module."
}

variable "domain" {
  type        = string
  description = "The domain the project belongs to; \"\" for the mesh's own (shared) project."
}

variable "name" {
  type        = string
  description = "The infrastructure entry's name (e.g. `project`, `platform`)."
}

# --- Configuration ------------------------------------------------------------------------------

variable "project_prefix" {
  type        = string
  default     = null
  description = "Prefix of the project id; the id is `<project_prefix>-<environment>`. Default: `<mesh>-<domain>` (`<mesh>-<name>` for the mesh's project)."

  validation {
    condition     = var.project_prefix == null || can(regex("^[a-z][a-z0-9-]{3,23}$", var.project_prefix))
    error_message = "The project_prefix must start with a lowercase letter and hold 4 to 24 lowercase letters, digits or hyphens, so that `<prefix>-<environment>` stays within 30 characters."
  }
}

variable "project_id" {
  type        = string
  default     = null
  description = "The full project id, overriding `<project_prefix>-<environment>` (6 to 30 characters). Set it only when the naming scheme does not fit: it is the same in every environment."
}

variable "project_name" {
  type        = string
  default     = null
  description = "The project's display name. Default: the project id."
}

variable "billing_account" {
  type        = string
  default     = null
  description = "The billing account to link the project to (`XXXXXX-XXXXXX-XXXXXX`). Without one, services that bill (BigQuery, Cloud Run, ...) cannot be enabled."
}

variable "folder_id" {
  type        = string
  default     = null
  description = "The folder to create the project in (`folders/123` or `123`). Set at most one of folder_id and org_id; with neither, the project is created under the caller's default parent."
}

variable "org_id" {
  type        = string
  default     = null
  description = "The organization to create the project in, when not in a folder."
}

variable "services" {
  type = list(string)
  default = [
    "bigquery.googleapis.com",
    "bigquerystorage.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "datacatalog.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "run.googleapis.com",
    "storage.googleapis.com",
  ]
  description = "The APIs to enable: by default everything the gcp/ component family uses (BigQuery, Cloud Storage, Cloud Run, Cloud Scheduler, Data Catalog policy tags, IAM)."
}

variable "auto_create_network" {
  type        = bool
  default     = false
  description = "Keep the `default` VPC network Google creates in new projects. Data products do not need it."
}

variable "deletion_policy" {
  type        = string
  default     = "PREVENT"
  description = "What `terraform destroy` does to the project: PREVENT (fail), DELETE (shut it down) or ABANDON (leave it, forget it)."

  validation {
    condition     = contains(["PREVENT", "DELETE", "ABANDON"], var.deletion_policy)
    error_message = "The deletion_policy must be PREVENT, DELETE or ABANDON."
  }
}

variable "region" {
  type        = string
  default     = "europe-west1"
  description = "The project's default region, handed to the domain's components as the `region` output (Cloud Run jobs, schedulers)."
}

variable "runtime_service_account_id" {
  type        = string
  default     = "data-products"
  description = "Account id of the service account the domain's data product code runs as (`<id>@<project>.iam.gserviceaccount.com`). The gcp/ port modules grant it access to what they create. Empty or null: no runtime service account."
}

variable "runtime_project_roles" {
  type        = list(string)
  default     = ["roles/bigquery.jobUser", "roles/bigquery.readSessionUser", "roles/logging.logWriter"]
  description = "Project-level roles of the runtime service account: running queries and writing logs. Dataset and bucket access is granted per port, by the port modules."
}
