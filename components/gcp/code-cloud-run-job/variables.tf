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
  description = "Labels to put on every resource (mesh, environment, domain, product, ...); sanitised to GCP label rules."
}

variable "infrastructure" {
  type        = any
  default     = {}
  description = "Outputs of the infrastructure stacks, by entry name. Read: `[infrastructure_entry].project_id`, `.region` and `.runtime_service_account_email`, as gcp/project outputs them."
}

variable "spec_dir" {
  type        = string
  default     = "."
  description = "Path (relative to the stack folder, where Terraform runs) of the folder holding the product's YAML file. Not read by this module: the code ships in the image."
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
  description = "Input port name → its location (`gs://...`, `<project>.<dataset>`): passed to the container as ALCHEMESH_INPUTS (JSON) and ALCHEMESH_INPUT_<PORT>."
}

variable "outputs" {
  type        = map(string)
  default     = {}
  description = "Output port name → its location (`<project>.<dataset>`): passed to the container as ALCHEMESH_OUTPUTS (JSON) and ALCHEMESH_OUTPUT_<PORT>."
}

# --- Configuration ------------------------------------------------------------------------------

variable "image" {
  type        = string
  description = "The container image to run, e.g. `europe-west1-docker.pkg.dev/acme-data-platform/data-jobs/crm-customers:2.3.1`. Required."
}

variable "schedule" {
  type        = string
  default     = null
  description = "A cron expression (`0 2 * * *`) to run the job on, through Cloud Scheduler. Null: no schedule, the job runs when triggered."
}

variable "time_zone" {
  type        = string
  default     = "Etc/UTC"
  description = "The time zone of `schedule` (tz database name, e.g. `Europe/Paris`)."
}

variable "project_id" {
  type        = string
  default     = null
  description = "The project to run the job in, when `var.infrastructure` has none. Null for both: the provider's project."
}

variable "region" {
  type        = string
  default     = null
  description = "The region to run the job (and its schedule) in. Null: the project's `region` from `var.infrastructure`, else europe-west1."
}

variable "infrastructure_entry" {
  type        = string
  default     = "project"
  description = "The infrastructure entry (a gcp/project) whose outputs give the project, region and runtime service account."
}

variable "job_name" {
  type        = string
  default     = null
  description = "The Cloud Run job's name. Default: `<product>-<name>`, cut to 63 characters with a hash suffix when longer."
}

variable "service_account_email" {
  type        = string
  default     = null
  description = "The service account the job runs as. Null: the domain's runtime service account from `var.infrastructure` (which the port modules grant access to), else the project's default compute account."
}

variable "scheduler_service_account_email" {
  type        = string
  default     = null
  description = "The service account Cloud Scheduler triggers the job as; it gets roles/run.invoker on the job. Null: the job's own service account. Needed when `schedule` is set."
}

variable "command" {
  type        = list(string)
  default     = []
  description = "The container's entrypoint, overriding the image's. Empty: the image's."
}

variable "args" {
  type        = list(string)
  default     = []
  description = "Arguments to the entrypoint. Empty: the image's."
}

variable "env" {
  type        = map(string)
  default     = {}
  description = "Further environment variables for the container (no secrets: use Secret Manager)."
}

variable "cpu" {
  type        = string
  default     = "1"
  description = "CPU limit of the container."
}

variable "memory" {
  type        = string
  default     = "512Mi"
  description = "Memory limit of the container."
}

variable "timeout" {
  type        = string
  default     = "3600s"
  description = "Maximum duration of one task attempt, in seconds with an `s` suffix."
}

variable "max_retries" {
  type        = number
  default     = 1
  description = "Retries of a failed task before the execution fails."
}

variable "task_count" {
  type        = number
  default     = 1
  description = "Tasks per execution (the container reads CLOUD_RUN_TASK_INDEX to split the work)."
}

variable "deletion_protection" {
  type        = bool
  default     = false
  description = "Refuse to delete the job. A job holds no data, so this is off by default."
}
