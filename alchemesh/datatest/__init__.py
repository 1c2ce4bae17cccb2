"""`alchemesh test`: the data behind each output port checked against its contract (SPEC §7)."""
