variable "billing_account" {
  type        = string
  default     = null
  description = "The billing account of the project."
}
