from tests.testing.terraform_env import terraform  # noqa: F401 (the session fixture)
