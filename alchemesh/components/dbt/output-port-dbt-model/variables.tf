# --- the output-port interface (components/README.md) --------------------------------------------

variable "mesh" {
  type        = string
  description = "The Mesh's name."
}

variable "environment" {
  type        = string
  description = "The environment being built (dev, prod, ...). Unused."
}

variable "labels" {
  type        = map(string)
  description = "Labels for every resource. Unused: nothing is created."
}

variable "infrastructure" {
  type        = any
  description = "Outputs of the infrastructure stacks, by entry name. Unused."
}

variable "spec_dir" {
  type        = string
  description = "The folder of the YAML file declaring the port, relative to the stack: a relative `location` starts there."
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
  description = "public, domain or private. Not enforced here: grant access in dbt (`grants`)."
}

variable "contract" {
  type        = any
  description = "The port's contract, `{id, version, objects = [{name, physical_name, description, properties = [{name, logical_type, physical_type, required, unique, primary_key, description, classification}]}]}`: dbt enforces it (`contract: {enforced: true}`)."
  default     = null
}

variable "consumers" {
  type        = list(string)
  description = "The products (`domain/product`) reading the port. Not granted here: dbt `grants` do that."
}

# --- config ---------------------------------------------------------------------------------------

variable "relation" {
  type        = string
  description = "The relation dbt builds for the model: DATABASE.SCHEMA.ALIAS (from the manifest)."
}

variable "location" {
  type        = string
  description = "Where the data is read, when not the relation itself: the DuckDB file of a dbt-duckdb profile (relative paths start at `spec_dir`)."
  default     = null
}
