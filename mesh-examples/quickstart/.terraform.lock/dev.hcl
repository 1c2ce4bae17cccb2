# The provider versions and checksums every stack of `dev` installs, kept by alchemesh: commit it.
# Remove a provider's block to let the next init choose its version again.

provider "registry.terraform.io/hashicorp/null" {
  version     = "2.1.2"
  constraints = ">= 2.1.0"
  hashes = [
    "h1:CFnENdqQu4g3LJNevA32aDxcUz2qGkRGQpFfkI8TCdE=",
  ]
}
