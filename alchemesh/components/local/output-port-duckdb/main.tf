# A DuckDB database file serving an output port, with one table per object of the port's contract.
#
# Two resources, so that a contract change never deletes the data file:
# - `database` stands for the file: replaced only when its path changes, and its destroy-time
#   provisioner removes the file (and its WAL).
# - `tables` creates or migrates the contract's tables whenever the contract changes (see README).

locals {
  spec_dir = trimsuffix(var.spec_dir, "/") # as given: relative to the stack, so that state holds no checkout path

  # The mesh root: the nearest folder at or above spec_dir holding alchemesh.yaml.
  spec_parts = split("/", trimsuffix(local.spec_dir, "/"))
  ancestors  = [for i in range(length(local.spec_parts), 0, -1) : join("/", slice(local.spec_parts, 0, i))]
  mesh_roots = [for dir in local.ancestors : dir if try(fileexists("${dir}/alchemesh.yaml"), false)]

  base_raw = (
    var.base_dir == null ? (length(local.mesh_roots) > 0 ? local.mesh_roots[0] : ".") :
    can(regex("^(/|[A-Za-z]:[/\\\\])", var.base_dir)) ? var.base_dir : "${local.spec_dir}/${var.base_dir}"
  )

  # Paths without `//`, `/./` or a trailing `/`.
  base_dir = trimsuffix(replace(replace("${local.base_raw}/", "/[/]+/", "/"), "/[/](\\.[/])+/", "/"), "/")

  state_raw = (
    var.state_dir == null ? "${local.base_dir}/.alchemesh/data" :
    can(regex("^(/|[A-Za-z]:[/\\\\])", var.state_dir)) ? var.state_dir : "${local.spec_dir}/${var.state_dir}"
  )

  state_dir = trimsuffix(replace(replace("${local.state_raw}/", "/[/]+/", "/"), "/[/](\\.[/])+/", "/"), "/")

  path = "${local.state_dir}/${var.environment}/${var.domain}/${var.product}/${var.port}.duckdb"
}

resource "null_resource" "database" {
  triggers = {
    path      = local.path
    state_dir = local.state_dir
    python    = var.python
  }

  # A new interpreter must not replace the resource (that would delete the data): the destroy-time
  # provisioner uses the one of the first apply, which only needs the standard library.
  lifecycle {
    ignore_changes = [triggers["python"]]
  }

  # Destroy-time provisioners may only read `self`. No shell: the interpreter runs the script with
  # the JSON document as its only argument.
  provisioner "local-exec" {
    when        = destroy
    interpreter = [self.triggers.python, "${path.module}/scripts/remove.py"]
    command = jsonencode({
      path      = self.triggers.path
      state_dir = self.triggers.state_dir
    })
  }
}

resource "null_resource" "tables" {
  triggers = {
    path     = null_resource.database.triggers.path
    contract = md5(jsonencode(var.contract))
  }

  provisioner "local-exec" {
    interpreter = [var.python, "${path.module}/scripts/tables.py"]
    command = jsonencode({
      path        = local.path
      domain      = var.domain
      product     = var.product
      port        = var.port
      contract_gz = base64gzip(jsonencode(var.contract))
    })
  }
}
