# --- the output-port interface (components/README.md) --------------------------------------------

variable "mesh" {
  type        = string
  description = "The Mesh's name: the prefix of every role the family creates."
}

variable "environment" {
  type        = string
  description = "The environment being built (dev, prod, ...). Unused: each environment has its own server."
}

variable "labels" {
  type        = map(string)
  description = "Labels for every resource. Unused: PostgreSQL objects carry no labels."
}

variable "infrastructure" {
  type        = any
  description = "Outputs of the infrastructure stacks, by entry name: the server's address under `server`."
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
  description = "The output port's name."
}

variable "visibility" {
  type        = string
  description = "public, domain or private. Enforced by the grants: only the consumers alchemesh allowed are granted."
}

variable "contract" {
  type        = any
  description = "The port's contract, `{id, version, objects = [{name, physical_name, description, properties = [{name, logical_type, physical_type, required, unique, primary_key, description, classification}]}]}`: one table per object. `null`: no table is created."
  default     = null
}

variable "consumers" {
  type        = list(string)
  description = "The products (`domain/product`) reading the port: each product's role is granted SELECT on its tables."
}

# --- config ---------------------------------------------------------------------------------------

variable "server" {
  type        = string
  description = "The infrastructure entry holding the server's address (`host`, `port`, `database` outputs)."
  default     = "postgres"
}

variable "host" {
  type        = string
  description = "The server's host, instead of the infrastructure entry's."
  default     = null
}

variable "server_port" {
  type        = number
  description = "The server's TCP port, instead of the infrastructure entry's."
  default     = null
}

variable "database" {
  type        = string
  description = "The database, instead of the infrastructure entry's."
  default     = null
}

variable "schema" {
  type        = string
  description = "The product's schema. Default: `<domain>_<product>`, `-` made `_`."
  default     = null
}

variable "python" {
  type        = string
  description = "The Python 3 interpreter that runs the module's script; it needs the `psycopg` package (alchemesh[postgres]). The one of the first apply also runs the destroy."
  default     = "python3"
}
