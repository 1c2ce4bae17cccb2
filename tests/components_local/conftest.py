"""Fixtures of the local component tests."""

from tests.components_local.terraform_env import terraform  # noqa: F401 (the session fixture)
