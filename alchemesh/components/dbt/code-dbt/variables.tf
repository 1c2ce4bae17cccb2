# --- the code interface (components/README.md) ---------------------------------------------------

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
  description = "Labels for every resource. Unused."
}

variable "infrastructure" {
  type        = any
  description = "Outputs of the infrastructure stacks the entry depends on, by entry name. Unused."
}

variable "spec_dir" {
  type        = string
  description = "Path (relative to the stack folder, where Terraform runs) of the product's folder. Unused."
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
  description = "Location of each input port, by port name. Unused: dbt resolves them."
}

variable "outputs" {
  type        = map(string)
  description = "Location of each output port, by port name. Unused: dbt writes them."
}

# --- config ---------------------------------------------------------------------------------------

variable "project" {
  type        = string
  description = "The dbt project (its `name` in dbt_project.yml)."
}

variable "select" {
  type        = string
  description = "The dbt selector of the product's models, e.g. `group:sales`."
}
