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
  description = "The output port's name."
}

variable "visibility" {
  type        = string
  description = "The port's visibility: public, domain or private. Put on the resources as a tag; access itself follows `consumers`."

  validation {
    condition     = contains(["public", "domain", "private"], var.visibility)
    error_message = "The visibility must be public, domain or private."
  }
}

variable "contract" {
  type        = any
  default     = null
  description = "The port's contract, `{id, version, objects = [{name, physical_name, description, properties = [{name, logical_type, physical_type, required, unique, primary_key, description, classification}]}]}`: one Glue table per object. Null without a contract: a database without tables."
}

variable "consumers" {
  type        = list(string)
  default     = []
  description = "The products (`domain/product`) reading the port: each gets Lake Formation DESCRIBE on the database and SELECT on every table, as the principal `consumer_principals` or `consumer_principal_template` gives it."
}

# --- Configuration ------------------------------------------------------------------------------

variable "format" {
  type        = string
  default     = "parquet"
  description = "The files' format, which sets the tables' SerDe: parquet, orc, json or csv."

  validation {
    condition     = contains(["parquet", "orc", "json", "csv"], var.format)
    error_message = "The format must be parquet, orc, json or csv."
  }
}

variable "bucket" {
  type        = string
  default     = null
  description = "An existing bucket to put the port's data in, under `key_prefix` (a domain's shared lake bucket). Null: the module creates a dedicated bucket."
}

variable "bucket_name" {
  type        = string
  default     = null
  description = "Name of the bucket the module creates. Default: `<mesh>-<environment>-<domain>-<product>-<port>`, cut to 63 characters with a hash suffix when longer."
}

variable "key_prefix" {
  type        = string
  default     = null
  description = "The folder of the port's data in the bucket, ending with `/`. Default: `<domain>/<product>/<port>/`. Each table lives in `<key_prefix><table>/`."
}

variable "database_name" {
  type        = string
  default     = null
  description = "The Glue database's name. Default: `<domain>_<product>_<port>`, lower-cased, non-alphanumerics made underscores."
}

variable "catalog_id" {
  type        = string
  default     = null
  description = "The Glue Data Catalog (account id) to create the database in. Null: the caller's account."
}

variable "number_type" {
  type        = string
  default     = "decimal(38,9)"
  description = "The Glue type of `number` properties whose physicalType names no precision (BigQuery's NUMERIC is decimal(38,9))."
}

variable "partition_keys" {
  type        = map(list(string))
  default     = {}
  description = "Contract object name → the properties that partition its table (Hive-style `key=value/` folders); they become partition keys instead of columns."
}

variable "consumer_principals" {
  type        = map(string)
  default     = {}
  description = "Consumer product (`domain/product`) → the principal it reads as: an IAM role ARN, or an account id for a cross-account grant. Wins over `consumer_principal_template`."
}

variable "consumer_principal_template" {
  type        = string
  default     = null
  description = "The principal of consumers missing from `consumer_principals`, with `{mesh}`, `{environment}`, `{domain}` and `{product}` replaced: e.g. `arn:aws:iam::123456789012:role/{mesh}-{environment}-{domain}-{product}-reader`. Null: consumers without an explicit principal get no grant (see the `ungranted_consumers` output)."
}

variable "reader_principals" {
  type        = list(string)
  default     = []
  description = "Further principals (IAM ARNs, account ids) granted the same read access as consumers, outside the mesh's products (BI tools, analysts)."
}

variable "register_location" {
  type        = bool
  default     = false
  description = "Register the port's S3 location with Lake Formation, so that Lake Formation (not bucket policies) governs reads through the catalog. Needs a Lake Formation administrator to apply."
}

variable "lakeformation_role_arn" {
  type        = string
  default     = null
  description = "The role Lake Formation reads the registered location with. Null: the Lake Formation service-linked role."
}

variable "kms_key_arn" {
  type        = string
  default     = null
  description = "A KMS key to encrypt the created bucket with (SSE-KMS). Null: the infrastructure's `kms_key_arn`, else SSE-S3."
}

variable "versioning" {
  type        = bool
  default     = false
  description = "Enable versioning on the created bucket."
}

variable "force_destroy" {
  type        = bool
  default     = false
  description = "Let `terraform destroy` delete the created bucket while it still holds data."
}

variable "infrastructure_entry" {
  type        = string
  default     = "account"
  description = "The infrastructure entry whose outputs may give `kms_key_arn`."
}
