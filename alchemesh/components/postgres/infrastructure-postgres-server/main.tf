# The PostgreSQL server a mesh's ports live on, declared once: its address reaches every component of the
# family as `var.infrastructure["<entry name>"]`. Nothing is created, and no credential is held: the runs
# connect with the user and password of their environment (PGUSER, PGPASSWORD or PGPASSFILE).

locals {
  address = {
    host     = var.host
    port     = var.server_port
    database = var.database
  }
}
