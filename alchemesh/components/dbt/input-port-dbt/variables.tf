# --- the input-port interface (components/README.md) ---------------------------------------------

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
  description = "Labels for every resource. Unused: nothing is created."
}

variable "infrastructure" {
  type        = any
  description = "Outputs of the infrastructure stacks the entry depends on. Unused."
}

variable "spec_dir" {
  type        = string
  description = "The folder of the YAML file declaring the port, relative to the stack. Unused."
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
  description = "The input port's name."
}

variable "source_system" {
  type        = string
  description = "The dbt source (an operational system), for `source: {system: …}`."
  default     = null
}

variable "upstream_port" {
  type        = string
  description = "The producer's output port, `domain/product/port`."
  default     = null
}

variable "upstream_location" {
  type        = string
  description = "The producer's `location` output."
  default     = null
}

# --- config ---------------------------------------------------------------------------------------

variable "relation" {
  type        = string
  description = "A source's relation (DATABASE.SCHEMA.TABLE), when known."
  default     = null
}
