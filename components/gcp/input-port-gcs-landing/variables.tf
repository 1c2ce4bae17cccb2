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
  description = "Outputs of the infrastructure stacks, by entry name. Read: `[infrastructure_entry].project_id` (the project to create the bucket in) and `[infrastructure_entry].runtime_service_account_member` (granted read access), as gcp/project outputs them."
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
  description = "The input port's name: the folder files land in."
}

variable "source_system" {
  type        = string
  default     = null
  description = "The operational system delivering the files (`source: {system: ...}`); put on the bucket as a label."
}

variable "upstream_port" {
  type        = string
  default     = null
  description = "Unused: a landing bucket is fed by an operational system, not by another product's output port."
}

variable "upstream_location" {
  type        = string
  default     = null
  description = "Unused: a landing bucket is fed by an operational system, not by another product's output port."
}

# --- Configuration ------------------------------------------------------------------------------

variable "format" {
  type        = string
  default     = null
  description = "The format the system delivers: AVRO, CSV, JSON, ORC or PARQUET. Recorded as a label and an output for the product's code; the bucket accepts any file."

  validation {
    condition     = var.format == null || contains(["AVRO", "CSV", "JSON", "ORC", "PARQUET"], upper(var.format == null ? "" : var.format))
    error_message = "The format must be one of AVRO, CSV, JSON, ORC, PARQUET."
  }
}

variable "retention_days" {
  type        = number
  default     = null
  description = "Days a landed file is kept before it is deleted. Null: kept until someone deletes it."
}

variable "location" {
  type        = string
  default     = "EU"
  description = "The bucket's location (EU, europe-west1, ...)."
}

variable "storage_class" {
  type        = string
  default     = "STANDARD"
  description = "The bucket's storage class."
}

variable "project_id" {
  type        = string
  default     = null
  description = "The project to create the bucket in, when `var.infrastructure` has none. Null for both: the provider's project."
}

variable "infrastructure_entry" {
  type        = string
  default     = "project"
  description = "The infrastructure entry (a gcp/project) whose outputs give the project and the runtime service account."
}

variable "bucket_name" {
  type        = string
  default     = null
  description = "The bucket's (globally unique) name. Default: `<mesh>-<environment>-<domain>-<product>-<port>`, cut to 63 characters with a hash suffix when longer."
}

variable "writer_principals" {
  type        = list(string)
  default     = []
  description = "IAM members the operational system delivers as (`serviceAccount:...`): granted roles/storage.objectCreator on the bucket."
}

variable "reader_principals" {
  type        = list(string)
  default     = []
  description = "IAM members granted roles/storage.objectViewer. The domain's runtime service account from `var.infrastructure` is added when present."
}

variable "versioning" {
  type        = bool
  default     = false
  description = "Keep overwritten and deleted files as noncurrent versions."
}

variable "kms_key_name" {
  type        = string
  default     = null
  description = "A Cloud KMS key to encrypt the files with. Null: Google-managed encryption."
}

variable "force_destroy" {
  type        = bool
  default     = false
  description = "Let `terraform destroy` delete the bucket while it still holds files."
}
