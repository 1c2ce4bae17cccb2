"""Load: discover a repo's YAML files, parse them with positions (through the per-file cache), check each
document against its kind's schema, and read the Terraform modules components point at."""
