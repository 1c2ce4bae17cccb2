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
  description = "Labels for every resource. Unused: a local run carries no labels."
}

variable "infrastructure" {
  type        = any
  description = "Outputs of the infrastructure stacks the entry depends on, by entry name. Unused."
}

variable "spec_dir" {
  type        = string
  description = "Path (relative to the stack folder, where Terraform runs) of the folder holding the YAML file that declares the code entry (the product's folder): `sql_dir` defaults to it."
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
  description = "Input port name → its location: a folder of data files (a landing port: one view per file) or a DuckDB file (attached read-only)."
}

variable "outputs" {
  type        = map(string)
  description = "Output port name → its location: the DuckDB files the SQL writes; the SQL runs inside the `output` one."
}

# --- config ---------------------------------------------------------------------------------------

variable "sql_file" {
  type        = string
  description = "The SQL file to run, relative to `sql_dir` (or absolute)."
}

variable "sql_dir" {
  type        = string
  description = "Where a relative `sql_file` starts. Relative paths start at `spec_dir`. Default: `spec_dir`, the product's folder."
  default     = null
}

variable "output" {
  type        = string
  description = "The output port whose DuckDB database the SQL runs in (its tables need no qualifier). Default: the first output port by name, `keys(var.outputs)[0]`."
  default     = null
}

variable "watch_inputs" {
  type        = bool
  description = "Also run again when the data of an input changes (a fingerprint of its files, read at plan time). Set false when an input is written by a resource of the same Terraform run."
  default     = true
}

variable "transaction" {
  type        = bool
  description = "Run the SQL file in one transaction, so that a failure leaves the outputs as they were. DuckDB lets a transaction write one database only: set false for SQL that writes several output ports or manages its own transactions."
  default     = true
}

variable "python" {
  type        = string
  description = "The Python 3 interpreter that runs the module's script; it needs the `duckdb` package."
  default     = "python3"
}
