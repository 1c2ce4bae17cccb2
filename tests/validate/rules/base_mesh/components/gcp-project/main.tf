variable "billing_account" {
  type        = string
  description = "The billing account of the project."
}
