"""The command line: thin wrappers that parse options, call the library and pick a reporter."""
