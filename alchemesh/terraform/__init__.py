"""Drive Terraform or OpenTofu over the compiled stacks: find the binary, select the stacks, run them
in DAG order, and summarise what they changed."""
