# A landing folder of files from an operational system (CSV, Parquet, JSON), read in place by the
# product's code. Applying makes sure the folder exists; destroying leaves it and its files alone:
# they belong to the operational system, not to the mesh.

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

  path_raw = (
    var.path != null ? (can(regex("^(/|[A-Za-z]:[/\\\\])", var.path)) ? var.path : "${local.spec_dir}/${var.path}") :
    var.source_system != null ? "${local.base_dir}/data/${var.source_system}" : ""
  )
  path = local.path_raw == "" ? "" : trimsuffix(replace(replace("${local.path_raw}/", "/[/]+/", "/"), "/[/](\\.[/])+/", "/"), "/")
}

resource "null_resource" "folder" {
  triggers = {
    path = local.path
  }

  # No shell: the interpreter runs the script with the JSON document as its only argument.
  provisioner "local-exec" {
    interpreter = [var.python, "${path.module}/scripts/landing.py"]
    command = jsonencode({
      path    = local.path
      domain  = var.domain
      product = var.product
      port    = var.port
    })
  }
}
