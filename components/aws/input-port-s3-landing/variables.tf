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
  description = "Labels to put on every resource (mesh, environment, domain, product, port, ...), as AWS tags."
}

variable "infrastructure" {
  type        = any
  default     = {}
  description = "Outputs of the infrastructure stacks, by entry name. Read: `[infrastructure_entry].kms_key_arn` (the key to encrypt the bucket with) when present."
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
  description = "The operational system delivering the files (`source: {system: ...}`); put on the bucket as a tag."
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
  description = "The format the system delivers: AVRO, CSV, JSON, ORC or PARQUET. Recorded as a tag and an output for the product's code; the bucket accepts any file."

  validation {
    condition     = var.format == null || contains(["AVRO", "CSV", "JSON", "ORC", "PARQUET"], upper(var.format == null ? "" : var.format))
    error_message = "The format must be one of AVRO, CSV, JSON, ORC, PARQUET."
  }
}

variable "retention_days" {
  type        = number
  default     = null
  description = "Days a landed file is kept before it expires. Null: kept until someone deletes it."
}

variable "bucket_name" {
  type        = string
  default     = null
  description = "The bucket's (globally unique) name. Default: `<mesh>-<environment>-<domain>-<product>-<port>`, cut to 63 characters with a hash suffix when longer."
}

variable "writer_principals" {
  type        = list(string)
  default     = []
  description = "IAM principal ARNs the operational system delivers as (possibly in another account): the bucket policy lets them put objects under the port's folder."
}

variable "reader_principals" {
  type        = list(string)
  default     = []
  description = "IAM principal ARNs the bucket policy lets list and read the port's folder (same-account principals can also be given access by IAM policies alone, as aws/code-glue-job does)."
}

variable "versioning" {
  type        = bool
  default     = false
  description = "Keep overwritten and deleted files as noncurrent versions (expired with `retention_days` too)."
}

variable "kms_key_arn" {
  type        = string
  default     = null
  description = "A KMS key to encrypt the files with (SSE-KMS). Null: the infrastructure's `kms_key_arn`, else SSE-S3. Writers in other accounts need use of the key."
}

variable "force_destroy" {
  type        = bool
  default     = false
  description = "Let `terraform destroy` delete the bucket while it still holds files."
}

variable "infrastructure_entry" {
  type        = string
  default     = "account"
  description = "The infrastructure entry whose outputs may give `kms_key_arn`."
}
