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
  description = "Labels for every resource. Unused: a local folder carries no labels."
}

variable "infrastructure" {
  type        = any
  description = "Outputs of the infrastructure stacks the entry depends on, by entry name. Unused."
}

variable "spec_dir" {
  type        = string
  description = "Path (relative to the stack folder, where Terraform runs) of the folder holding the YAML file that declares the port: relative paths in its config start there."
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
  description = "The operational system the files come from (`source: {system: ...}`): the default folder is `<base_dir>/data/<source_system>`."
  default     = null
}

variable "upstream_port" {
  type        = string
  description = "`domain/product/port` of an upstream output port. Unused: a landing folder reads an operational system."
  default     = null
}

variable "upstream_location" {
  type        = string
  description = "Where the upstream output port's data is. Unused."
  default     = null
}

# --- config ---------------------------------------------------------------------------------------

variable "path" {
  type        = string
  description = "The landing folder of CSV/Parquet/JSON files. Relative paths start at `spec_dir`. Default: `<base_dir>/data/<source_system>`."
  default     = null
}

variable "base_dir" {
  type        = string
  description = "The mesh repo root, where the default folder `data/<source_system>` is. Relative paths start at `spec_dir`. Default: the nearest folder at or above `spec_dir` holding `alchemesh.yaml`, else the Terraform working directory."
  default     = null
}

variable "python" {
  type        = string
  description = "The Python 3 interpreter that runs the module's script (standard library only)."
  default     = "python3"
}
