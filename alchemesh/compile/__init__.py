"""Compile (SPEC §5): every data product, and every domain's and the mesh's infrastructure, becomes
a Terraform root module ("stack") of platform-component module calls, in JSON syntax."""
