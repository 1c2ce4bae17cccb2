# A schema per data product on a PostgreSQL server, one table per object of the port's contract, typed from it,
# and one role per consumer product granted SELECT on the port's tables — and nothing else.
#
# - The product's own role (`<mesh>_<domain>_<product>`, no login) owns its schema and tables: its code runs as
#   that role, so it can write its own tables and read only what it was granted.
# - Each consumer product's role (`<mesh>_<domain>_<product>`) gets USAGE on the schema and SELECT on the port's
#   tables; a product that stops reading the port loses both on the next apply.
# - The environment's tester role (`<mesh>__tester_<environment>`, no login) gets USAGE on the schema and SELECT on
#   the port's tables: `alchemesh test` reads as it (SET ROLE), never as the user that applies.
# - A contract change rebuilds the tables whose columns changed, keeping the rows that still fit.
#
# No credential is held: the scripts connect as the user of Terraform's environment (PGUSER, PGPASSWORD,
# PGPASSFILE), which must be allowed to create roles and schemas.

locals {
  server   = try(var.infrastructure[var.server], {})
  host     = var.host != null ? var.host : try(local.server.host, "127.0.0.1")
  tcp_port = var.server_port != null ? var.server_port : try(local.server.port, 5432)
  database = var.database != null ? var.database : try(local.server.database, "postgres")

  schema      = var.schema != null ? var.schema : replace("${var.domain}_${var.product}", "-", "_")
  role_prefix = "${replace(var.mesh, "-", "_")}_"
  owner       = replace("${local.role_prefix}${var.domain}_${var.product}", "-", "_")
  readers     = sort([for c in var.consumers : replace("${local.role_prefix}${replace(c, "/", "_")}", "-", "_")])
  # `_` after the prefix: no product's role can take this name (a domain starts with a letter)
  tester = replace("${local.role_prefix}_tester_${var.environment}", "-", "_")
  tables      = var.contract == null ? [] : sort([for o in var.contract.objects : o.physical_name != null ? o.physical_name : o.name])
}

# The port's data: its tables and schema. Replaced only when where they live changes (server, database, schema,
# owner, port), so that a contract or a reader change never drops them; its destroy-time provisioner drops the
# port's tables, then the schema and the owner role when nothing else is left in them.
resource "null_resource" "data" {
  triggers = {
    host     = local.host
    tcp_port = tostring(local.tcp_port)
    database = local.database
    schema   = local.schema
    owner    = local.owner
    port     = var.port
    python   = var.python
  }

  # A new interpreter must not replace the data (that would drop its tables).
  lifecycle {
    ignore_changes = [triggers["python"]]
  }

  # Destroy-time provisioners may only read `self`. No shell: the interpreter runs the script with the JSON
  # document as its only argument.
  provisioner "local-exec" {
    when        = destroy
    interpreter = [self.triggers.python, "${path.module}/scripts/port.py"]
    command = jsonencode({
      action   = "destroy"
      host     = self.triggers.host
      tcp_port = self.triggers.tcp_port
      database = self.triggers.database
      schema   = self.triggers.schema
      owner    = self.triggers.owner
      port     = self.triggers.port
    })
  }
}

# Makes the schema, the tables (migrated when the contract changes, keeping the rows that still fit) and the
# grants whenever any of them changes. Replacing it runs the script again; it drops nothing.
resource "null_resource" "port" {
  triggers = {
    data        = null_resource.data.id
    host        = local.host
    tcp_port    = tostring(local.tcp_port)
    database    = local.database
    schema      = local.schema
    owner       = local.owner
    port        = var.port
    tables      = jsonencode(local.tables)
    contract    = md5(jsonencode(var.contract))
    readers     = jsonencode(local.readers)
    tester      = local.tester
    role_prefix = local.role_prefix
  }

  # No shell: the interpreter runs the script with the JSON document as its only argument.
  provisioner "local-exec" {
    interpreter = [var.python, "${path.module}/scripts/port.py"]
    command = jsonencode({
      action      = "apply"
      host        = local.host
      tcp_port    = local.tcp_port
      database    = local.database
      schema      = local.schema
      owner       = local.owner
      port        = var.port
      readers     = local.readers
      tester      = local.tester
      role_prefix = local.role_prefix
      contract_gz = base64gzip(jsonencode(var.contract))
    })
  }
}

# One per consumer product: its access to the port (USAGE and SELECT, granted and revoked by `port`'s script).
# A consumer that stops reading the port is a removal here, which the plan guard reports as `access-revoked`.
resource "null_resource" "access" {
  for_each = toset(var.consumers)

  triggers = {
    consumer = each.key
    role     = replace("${local.role_prefix}${replace(each.key, "/", "_")}", "-", "_")
  }
}
