"""Data contract compatibility (SPEC §3): what changed between two versions of a contract, how that
change lands on consumers and producers, and the history of a contract through git."""
