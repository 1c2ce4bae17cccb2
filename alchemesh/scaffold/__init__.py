"""Scaffolding: `alchemesh init` and `alchemesh new product` write files that validate clean."""
