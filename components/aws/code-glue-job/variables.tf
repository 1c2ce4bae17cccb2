# --- The code interface (components/README.md) --------------------------------------------------

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
  description = "Labels to put on every resource (mesh, environment, domain, product, ...), as AWS tags."
}

variable "infrastructure" {
  type        = any
  default     = {}
  description = "Outputs of the infrastructure stacks, by entry name. Read: `[infrastructure_entry].kms_key_arn` (a key the job may decrypt and encrypt with) when present."
}

variable "spec_dir" {
  type        = string
  default     = "."
  description = "Path (relative to the stack folder, where Terraform runs) of the folder holding the product's YAML file. Not read by this module: the script is already in S3 (`script_location`)."
}

variable "domain" {
  type        = string
  description = "The domain of the product running the code."
}

variable "product" {
  type        = string
  description = "The product running the code."
}

variable "name" {
  type        = string
  description = "The code entry's name."
}

variable "inputs" {
  type        = map(string)
  default     = {}
  description = "Input port name → its location (`s3://...`): passed as the job arguments `--alchemesh_inputs` (JSON) and `--input_<port>`; the created role may read them."
}

variable "outputs" {
  type        = map(string)
  default     = {}
  description = "Output port name → its location (`s3://...`): passed as the job arguments `--alchemesh_outputs` (JSON) and `--output_<port>`; the created role may write them."
}

# --- Configuration ------------------------------------------------------------------------------

variable "script_location" {
  type        = string
  description = "The job's script in S3, e.g. `s3://acme-data-jobs/sales/orders-v2/build_orders.py`. Required."

  validation {
    condition     = can(regex("^s3://[^/]+/.+", var.script_location))
    error_message = "The script_location must be an s3://bucket/key URI."
  }
}

variable "schedule" {
  type        = string
  default     = null
  description = "When to run the job, as an AWS schedule expression: `cron(0 3 * * ? *)` (six fields, UTC; unlike Unix cron, one of day-of-month and day-of-week is `?`). Null: no trigger, the job runs when started."

  validation {
    condition     = var.schedule == null || can(regex("^cron\\(.+\\)$", var.schedule == null ? "" : var.schedule))
    error_message = "The schedule must be an AWS cron expression, e.g. cron(0 3 * * ? *)."
  }
}

variable "job_name" {
  type        = string
  default     = null
  description = "The Glue job's name. Default: `<mesh>-<environment>-<domain>-<product>-<name>`."
}

variable "role_arn" {
  type        = string
  default     = null
  description = "An existing IAM role for the job. Null: the module creates one with AWSGlueServiceRole, read access to the inputs and the script, and write access to the outputs."
}

variable "role_name" {
  type        = string
  default     = null
  description = "Name of the role the module creates. Default: the job name, cut to 64 characters with a hash suffix when longer."
}

variable "additional_policy_arns" {
  type        = list(string)
  default     = []
  description = "Further managed policies to attach to the created role."
}

variable "kms_key_arns" {
  type        = list(string)
  default     = []
  description = "KMS keys the created role may decrypt and encrypt with (encrypted inputs and outputs). The infrastructure's `kms_key_arn` is added when present."
}

variable "glue_version" {
  type        = string
  default     = "4.0"
  description = "The Glue runtime version (Spark and Python versions follow from it)."
}

variable "worker_type" {
  type        = string
  default     = "G.1X"
  description = "The type of worker (G.1X, G.2X, G.4X, ...)."
}

variable "number_of_workers" {
  type        = number
  default     = 2
  description = "How many workers a run gets."
}

variable "timeout_minutes" {
  type        = number
  default     = 60
  description = "Maximum duration of a run, in minutes."
}

variable "max_retries" {
  type        = number
  default     = 0
  description = "Retries of a failed run."
}

variable "max_concurrent_runs" {
  type        = number
  default     = 1
  description = "Runs allowed at the same time."
}

variable "temp_dir" {
  type        = string
  default     = null
  description = "An S3 folder for the job's temporary files (`--TempDir`); the created role may use it."
}

variable "default_arguments" {
  type        = map(string)
  default     = {}
  description = "Further job arguments (`--key` → value), merged last (no secrets: use Secrets Manager)."
}

variable "infrastructure_entry" {
  type        = string
  default     = "account"
  description = "The infrastructure entry whose outputs may give `kms_key_arn`."
}
