"""The component-module side tool: `alchemesh components check` judges a Terraform module against its
component type's interface."""
