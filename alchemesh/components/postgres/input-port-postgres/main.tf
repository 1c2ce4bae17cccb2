# Reads another product's PostgreSQL output port. Nothing is copied and nothing is created: the producer's
# output port granted this product's role SELECT on its tables, and the product's code reads them in place.

locals {
  upstream = var.upstream_location == null ? "" : var.upstream_location
  # postgresql://HOST:PORT/DATABASE?schema=SCHEMA: the schema the code reads the producer's tables from
  schema = try(regex("[?&]schema=([^&]+)", local.upstream)[0], "")
}
