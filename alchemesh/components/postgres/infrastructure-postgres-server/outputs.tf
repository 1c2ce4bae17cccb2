output "host" {
  description = "The server's host name or address."
  value       = local.address.host
}

output "port" {
  description = "The server's TCP port."
  value       = local.address.port
}

output "database" {
  description = "The database the ports' schemas are in."
  value       = local.address.database
}
