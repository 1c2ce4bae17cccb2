# --- the infrastructure interface (components/README.md) -----------------------------------------

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
  description = "The folder of the YAML file declaring the entry, relative to the stack. Unused."
}

variable "domain" {
  type        = string
  description = "The domain; empty for the mesh's own infrastructure."
}

variable "name" {
  type        = string
  description = "The infrastructure entry's name: the components find the server under it."
}

# --- config ---------------------------------------------------------------------------------------

variable "host" {
  type        = string
  description = "The server's host name or address."
  default     = "127.0.0.1"
}

variable "server_port" {
  type        = number
  description = "The server's TCP port."
  default     = 5432
}

variable "database" {
  type        = string
  description = "The database holding one schema per data product."
  default     = "postgres"
}
