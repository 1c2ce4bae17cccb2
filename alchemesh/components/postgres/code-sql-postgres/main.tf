# Runs a SQL file on the product's PostgreSQL server as the product's own role, in one transaction, with its
# own schema first on the search path. `{{ input.NAME }}` and `{{ output.NAME }}` in the SQL are the quoted
# schemas of the product's input and output ports: it reads its producers' tables where they are, with the
# grants their output ports gave it — a table it was not granted fails the run, as it should.

locals {
  spec_dir = trimsuffix(var.spec_dir, "/") # as given: relative to the stack, so that state holds no checkout path
  sql_path = can(regex("^(/|[A-Za-z]:[/\\\\])", var.sql_file)) ? var.sql_file : "${local.spec_dir}/${var.sql_file}"
  output   = var.output != null ? var.output : (length(var.outputs) > 0 ? keys(var.outputs)[0] : "")
  role     = replace("${replace(var.mesh, "-", "_")}_${var.domain}_${var.product}", "-", "_")
}

resource "null_resource" "run" {
  # A product removed from the specs is destroyed after its SQL file is gone: no file, no digest.
  triggers = {
    sql_file = local.sql_path
    sql      = fileexists(local.sql_path) ? filemd5(local.sql_path) : "missing"
    inputs   = jsonencode(var.inputs)
    outputs  = jsonencode(var.outputs)
    output   = local.output
    role     = local.role
  }

  # No shell: the interpreter runs the script with the JSON document as its only argument.
  provisioner "local-exec" {
    interpreter = [var.python, "${path.module}/scripts/run_sql.py"]
    command = jsonencode({
      sql_file = local.sql_path
      inputs   = var.inputs
      outputs  = var.outputs
      output   = local.output
      role     = local.role
      product  = "${var.domain}/${var.product}"
      name     = var.name
    })
  }
}
