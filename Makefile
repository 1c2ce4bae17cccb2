# The project's tasks. Run inside the virtualenv the README's second set-up command makes.
.PHONY: lint typecheck test docs bench

lint:
	ruff check alchemesh tests benchmarks docs/hooks.py

typecheck:
	mypy

test:
	python -m pytest

docs:
	NO_MKDOCS_2_WARNING=1 mkdocs build --strict -d .alchemesh/docs-site

bench:
	python benchmarks/bench_validate.py
	python benchmarks/bench_scale.py
