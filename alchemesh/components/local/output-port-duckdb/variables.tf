# --- the output-port interface (components/README.md) --------------------------------------------

variable "mesh" {
  type        = string
  description = "The Mesh's name."
}

variable "environment" {
  type        = string
  description = "The environment being built (dev, prod, ...): a folder level of the database path."

  validation {
    condition     = length(regexall("[/\\\\]", var.environment)) == 0 && !contains(["", ".", ".."], var.environment)
    error_message = "The environment is a folder name of the database path: no `/`, `\\`, `.` or `..`."
  }
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
  description = "Path (relative to the stack folder, where Terraform runs) of the folder holding the YAML file that declares the port: relative paths in its config start there, and the mesh root is looked for from there."
}

variable "domain" {
  type        = string
  description = "The domain of the product owning the port: a folder level of the database path."

  validation {
    condition     = length(regexall("[/\\\\]", var.domain)) == 0 && !contains(["", ".", ".."], var.domain)
    error_message = "The domain is a folder name of the database path: no `/`, `\\`, `.` or `..`."
  }
}

variable "product" {
  type        = string
  description = "The product owning the port: a folder level of the database path."

  validation {
    condition     = length(regexall("[/\\\\]", var.product)) == 0 && !contains(["", ".", ".."], var.product)
    error_message = "The product is a folder name of the database path: no `/`, `\\`, `.` or `..`."
  }
}

variable "port" {
  type        = string
  description = "The output port's name: the database file is `<port>.duckdb`."

  validation {
    condition     = length(regexall("[/\\\\]", var.port)) == 0 && !contains(["", ".", ".."], var.port)
    error_message = "The port is the database file's name: no `/`, `\\`, `.` or `..`."
  }
}

variable "visibility" {
  type        = string
  description = "public, domain or private. Not enforced: a local file has no access control."
}

variable "contract" {
  type        = any
  description = "The port's contract, `{id, version, objects = [{name, physical_name, description, properties = [{name, logical_type, physical_type, required, unique, primary_key, description, classification}]}]}`: one table per object. `null`: no table is created."
  default     = null
}

variable "consumers" {
  type        = list(string)
  description = "The products (`domain/product`) reading the port. Unused: a local file has no grants."
}

# --- config ---------------------------------------------------------------------------------------

variable "state_dir" {
  type        = string
  description = "Folder of the DuckDB files, as `<state_dir>/<environment>/<domain>/<product>/<port>.duckdb`. Relative paths start at `spec_dir`. Default: `<base_dir>/.alchemesh/data`."
  default     = null
}

variable "base_dir" {
  type        = string
  description = "The mesh repo root, where the default `state_dir` is. Relative paths start at `spec_dir`. Default: the nearest folder at or above `spec_dir` holding `alchemesh.yaml`, else the Terraform working directory."
  default     = null
}

variable "python" {
  type        = string
  description = "The Python 3 interpreter that runs the module's scripts; it needs the `duckdb` package. The one of the first apply also removes the file on destroy."
  default     = "python3"
}
