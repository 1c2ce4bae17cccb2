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
  description = "Labels for every resource. Unused: a local file carries no labels."
}

variable "infrastructure" {
  type        = any
  description = "Outputs of the infrastructure stacks the entry depends on, by entry name. Unused."
}

variable "spec_dir" {
  type        = string
  description = "Path (relative to the stack folder, where Terraform runs) of the folder holding the YAML file that declares the port. Unused."
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
  description = "The operational system, for `source: {system: ...}`. Unused: this port reads another product's output port."
  default     = null
}

variable "upstream_port" {
  type        = string
  description = "`domain/product/port` of the upstream output port read, for messages."
  default     = null
}

variable "upstream_location" {
  type        = string
  description = "The upstream output port's DuckDB file (the producer's `location` output); `\"\"` until the producer is applied."
  default     = null
}

# --- config ---------------------------------------------------------------------------------------

variable "python" {
  type        = string
  description = "The Python 3 interpreter that runs the module's script; it needs the `duckdb` package."
  default     = "python3"
}
