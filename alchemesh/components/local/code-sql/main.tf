# Runs a SQL file inside the product's output DuckDB database, with every input port visible under
# its port name: a landing folder as a database of one view per data file (`shop.orders`), a DuckDB
# output port of another product attached read-only (`orders.orders`). The run happens again when
# the SQL file, the inputs or outputs, or (with `watch_inputs`) the inputs' data change.

locals {
  spec_dir = trimsuffix(var.spec_dir, "/") # as given: relative to the stack, so that state holds no checkout path

  sql_dir = (
    var.sql_dir == null ? local.spec_dir :
    can(regex("^(/|[A-Za-z]:[/\\\\])", var.sql_dir)) ? var.sql_dir : "${local.spec_dir}/${var.sql_dir}"
  )
  sql_raw = can(regex("^(/|[A-Za-z]:[/\\\\])", var.sql_file)) ? var.sql_file : "${local.sql_dir}/${var.sql_file}"

  # Without `//`, `/./` or a trailing `/`.
  sql_path = trimsuffix(replace(replace("${local.sql_raw}/", "/[/]+/", "/"), "/[/](\\.[/])+/", "/"), "/")

  output = var.output != null ? var.output : (length(var.outputs) > 0 ? keys(var.outputs)[0] : "")

  # A file's MD5, or for a folder the MD5 of its files' names and MD5s; "" until the input exists.
  fingerprints = var.watch_inputs ? {
    for port, location in var.inputs : port => (
      location == null || location == "" ? "" :
      try(fileexists(location), false) ? filemd5(location) :
      md5(join("\n", [for file in sort(fileset(location, "**")) : "${file} ${filemd5("${location}/${file}")}"]))
    )
  } : {}
}

resource "null_resource" "run" {
  # A product removed from the specs is destroyed after its SQL file is gone: no file, no digest.
  triggers = {
    sql_file    = local.sql_path
    sql         = fileexists(local.sql_path) ? filemd5(local.sql_path) : "missing"
    inputs      = jsonencode(var.inputs)
    outputs     = jsonencode(var.outputs)
    output      = local.output
    transaction = tostring(var.transaction)
    data        = jsonencode(local.fingerprints)
  }

  # No shell: the interpreter runs the script with the JSON document as its only argument.
  provisioner "local-exec" {
    interpreter = [var.python, "${path.module}/scripts/run_sql.py"]
    command = jsonencode({
      sql_file    = local.sql_path
      inputs      = var.inputs
      outputs     = var.outputs
      output      = local.output
      transaction = var.transaction
      domain      = var.domain
      product     = var.product
      name        = var.name
    })
  }
}
