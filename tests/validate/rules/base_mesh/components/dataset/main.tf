# A stand-in module: it declares no variables, so it takes no `config`.
