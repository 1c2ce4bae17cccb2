"""The exceptions that stop a run. A problem in the user's specs is a Finding, never one of these."""


class AlchemeshError(Exception):
    """Cannot go on: the CLI prints the message on one line and exits with `exit_code`."""

    exit_code = 2


class RepoError(AlchemeshError):
    """The repository cannot be read (missing path, no mesh where one is required)."""


class UsageError(AlchemeshError):
    """The command was called with arguments that cannot work."""


class GitError(AlchemeshError):
    """git is missing or a revision cannot be read."""
