# --- the code interface (components/README.md) ---------------------------------------------------

variable "mesh" {
  type        = string
  description = "The Mesh's name: the prefix of the product's role."
}

variable "environment" {
  type        = string
  description = "The environment being built (dev, prod, ...)."
}

variable "labels" {
  type        = map(string)
  description = "Labels for every resource. Unused: a SQL run carries no labels."
}

variable "infrastructure" {
  type        = any
  description = "Outputs of the infrastructure stacks the entry depends on, by entry name. Unused: the server is the output port's."
}

variable "spec_dir" {
  type        = string
  description = "Path (relative to the stack folder, where Terraform runs) of the product's folder: `sql_file` starts there."
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
  description = "Location of each input port, by port name: `{{ input.NAME }}` in the SQL is its schema."
}

variable "outputs" {
  type        = map(string)
  description = "Location of each output port, by port name: the SQL runs on the server of `output`, in its schema."
}

# --- config ---------------------------------------------------------------------------------------

variable "sql_file" {
  type        = string
  description = "The SQL file to run; relative paths start at `spec_dir`."
}

variable "output" {
  type        = string
  description = "The output port whose server and schema the SQL runs in. Default: the first one."
  default     = null
}

variable "python" {
  type        = string
  description = "The Python 3 interpreter that runs the module's script; it needs the `psycopg` package (alchemesh[postgres])."
  default     = "python3"
}
