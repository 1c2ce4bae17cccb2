# Reads another product's DuckDB output port. Nothing is copied: the product's code attaches the
# producer's file read-only. Applying checks that the file exists and is a DuckDB database, so a
# consumer applied before its producer fails with a clear message instead of an empty input.

locals {
  upstream_location = var.upstream_location == null ? "" : var.upstream_location
}

resource "null_resource" "upstream" {
  triggers = {
    location      = local.upstream_location
    upstream_port = var.upstream_port == null ? "" : var.upstream_port
  }

  # No shell: the interpreter runs the script with the JSON document as its only argument.
  provisioner "local-exec" {
    interpreter = [var.python, "${path.module}/scripts/check_upstream.py"]
    command = jsonencode({
      location      = local.upstream_location
      upstream_port = var.upstream_port == null ? "" : var.upstream_port
      domain        = var.domain
      product       = var.product
      port          = var.port
    })
  }
}
