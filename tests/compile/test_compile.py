"""`alchemesh compile` through the real CLI: stacks, manifest, determinism, safety, --check."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.testing import EXAMPLES, assert_no_traceback, copy_mesh, edit, run_cli

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("ALCHEMESH_REGENERATE") == "1"


def build_of(root: Path, env: str = "dev") -> Path:
    return root / ".alchemesh" / "build" / env


def normalized(root: Path, path: Path) -> str:
    """A build file with the machine's paths replaced, so golden files hold on any checkout."""
    text = path.read_text(encoding="utf-8")
    text = text.replace(root.as_posix(), "{root}")
    return re.sub(r'"hash": "[0-9a-f]{64}"', '"hash": "{sha256 of the stack, which holds the paths above}"', text)


@pytest.fixture
def example(tmp_path: Path, request) -> Path:
    """A copy of an example mesh placed like the original, so module sources resolve the same way."""
    name = request.param
    return copy_mesh(EXAMPLES / name, tmp_path / "mesh-examples" / name)


@pytest.mark.parametrize("example", ["quickstart", "acme-retail"], indirect=True)
def test_examples_match_their_golden_build(example: Path):
    """Regenerate with ALCHEMESH_REGENERATE=1 python -m pytest tests/compile."""
    result = run_cli("compile", "--env", "dev", str(example))
    assert result.code == 0, result.err + result.out
    build = build_of(example)
    files = {p.relative_to(build).as_posix(): normalized(example, p) for p in sorted(build.rglob("*.json"))}
    golden = GOLDEN / example.name
    if REGENERATE:
        shutil.rmtree(golden, ignore_errors=True)
        for rel, text in files.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_text(text, encoding="utf-8")
    expected = {p.relative_to(golden).as_posix(): p.read_text(encoding="utf-8") for p in sorted(golden.rglob("*.json"))}
    assert files == expected


@pytest.mark.parametrize("example", ["quickstart"], indirect=True)
def test_stacks_wire_consumers_to_producers(example: Path):
    run_cli("compile", str(example))
    stack = json.loads((build_of(example) / "marketing/customer-value/main.tf.json").read_text())
    states = stack["data"]["terraform_remote_state"]
    assert set(states) == {"producer_sales__orders", "producer_sales__customers"}
    assert states["producer_sales__orders"]["defaults"] == {"output_ports": {}}
    assert states["producer_sales__orders"]["config"]["path"].endswith(".alchemesh/state/dev/sales/orders.tfstate")
    orders_input = stack["module"]["input_orders"]
    assert orders_input["upstream_location"].startswith("${try(data.terraform_remote_state.producer_sales__orders")
    assert stack["module"]["code_score-customers"]["inputs"]["orders"] == "${module.input_orders.location}"
    assert stack["terraform"]["backend"]["local"]["path"].endswith(".alchemesh/state/dev/marketing/customer-value.tfstate")
    producer = json.loads((build_of(example) / "sales/orders/main.tf.json").read_text())
    assert producer["module"]["output_orders"]["consumers"] == ["marketing/customer-value"]
    assert producer["output"]["output_ports"]["value"]["orders"] == {"location": "${module.output_orders.location}"}
    manifest = json.loads((build_of(example) / "manifest.json").read_text())
    assert manifest["levels"] == [["sales/customers", "sales/orders"], ["marketing/customer-value"], ["marketing/segments"]]
    deps = {s["key"]: s["dependsOn"] for s in manifest["stacks"]}
    assert deps["marketing/customer-value"] == ["sales/customers", "sales/orders"]


@pytest.mark.parametrize("example", ["quickstart"], indirect=True)
def test_output_is_byte_deterministic_and_check_detects_staleness(example: Path):
    assert run_cli("compile", str(example)).code == 0
    first = {p: p.read_bytes() for p in build_of(example).rglob("*.json")}
    assert run_cli("compile", str(example)).code == 0
    assert {p: p.read_bytes() for p in build_of(example).rglob("*.json")} == first
    assert run_cli("compile", "--check", str(example)).code == 0
    edit(example, "domains/sales/orders/product.yaml", ("version: 1.1.0", "version: 1.2.0"))
    edit(example, "domains/sales/orders/product.yaml", ("tier: gold", "tier: platinum"))
    stale = run_cli("compile", "--check", str(example))
    assert stale.code == 1 and "sales/orders/main.tf.json: stale" in stale.out
    assert {p: p.read_bytes() for p in build_of(example).rglob("*.json")} == first, "--check wrote nothing"


@pytest.mark.parametrize("example", ["quickstart"], indirect=True)
def test_stacks_of_deleted_products_are_removed(example: Path):
    run_cli("compile", str(example))
    shutil.rmtree(example / "domains/marketing/segments")
    assert run_cli("compile", str(example)).code == 0
    assert not (build_of(example) / "marketing/segments").exists()
    assert (build_of(example) / "marketing/customer-value/main.tf.json").is_file()


@pytest.mark.parametrize("example", ["quickstart"], indirect=True)
def test_a_failed_compile_leaves_the_previous_build_intact(example: Path):
    run_cli("compile", str(example))
    before = {p: p.read_bytes() for p in build_of(example).rglob("*.json")}
    edit(example, "domains/sales/orders/product.yaml", ("owner: web-shop", "owner: nobody"))
    result = run_cli("compile", str(example))
    assert result.code == 1 and "unresolved-reference" in result.out
    assert {p: p.read_bytes() for p in build_of(example).rglob("*.json")} == before


@pytest.mark.parametrize("example", ["quickstart"], indirect=True)
def test_spec_values_never_become_terraform_expressions(example: Path):
    hostile = '${file(\\"/etc/passwd\\")} %{ for x in [1] }boom%{ endfor }'
    edit(example, "domains/sales/orders/product.yaml",
         ("config: {sql_file: transform/orders.sql}", f'config: {{sql_file: "{hostile}"}}'))
    edit(example, "domains/sales/orders/product.yaml", ("tier: gold", 'tier: "${path.root}"'))
    named = example / "domains/sales/orders" / hostile.replace('\\"', '"')  # a file of that name exists
    named.parent.mkdir(parents=True, exist_ok=True)
    named.write_text("SELECT 1;\n")
    assert run_cli("compile", str(example)).code == 0
    stack = json.loads((build_of(example) / "sales/orders/main.tf.json").read_text())
    code = stack["module"]["code_build-orders"]
    assert code["sql_file"] == '$${file("/etc/passwd")} %%{ for x in [1] }boom%%{ endfor }'
    assert code["labels"]["tier"] == "$${path.root}"
    assert "${file" not in (build_of(example) / "sales/orders/main.tf.json").read_text().replace("$${", "")


@pytest.mark.parametrize("example", ["quickstart"], indirect=True)
def test_provider_credentials_are_refused(example: Path):
    edit(example, "alchemesh.yaml",
         ("  terraform:\n", "  terraform:\n    providers:\n      dev: {google: {credentials: secret.json}}\n"))
    result = run_cli("compile", str(example))
    assert result.code == 2, result.out + result.err
    assert "credentials" in result.err
    assert_no_traceback(result)
    assert not build_of(example).exists()


@pytest.mark.parametrize("example", ["quickstart"], indirect=True)
def test_unknown_environment_is_a_usage_error(example: Path):
    result = run_cli("compile", "--env", "staging", str(example))
    assert result.code == 2 and "staging" in result.err
    assert_no_traceback(result)


@pytest.mark.parametrize("example", ["quickstart"], indirect=True)
def test_every_quickstart_stack_initialises_and_validates_with_terraform(example: Path, terraform):
    """Real Terraform (1.0.3 and 1.15.5), providers from the local mirror: the build is valid Terraform."""
    assert run_cli("compile", str(example)).code == 0
    stacks = sorted(p.parent for p in build_of(example).rglob("main.tf.json"))
    assert len(stacks) == 4
    for stack in stacks:
        terraform.run(["init", "-input=false", "-backend=false"], cwd=stack)
        result = terraform.run(["validate", "-json"], cwd=stack)
        assert json.loads(result.stdout)["valid"] is True, result.stdout


def test_the_same_commit_compiles_to_the_same_bytes_in_any_checkout_folder(tmp_path: Path):
    builds = []
    for folder in ("first", "second/deeper"):
        mesh = tmp_path / folder / "mesh-examples" / "quickstart"
        copy_mesh(EXAMPLES / "quickstart", mesh)
        assert run_cli("compile", cwd=mesh).code == 0
        build = build_of(mesh)
        files = {p.relative_to(build).as_posix(): p.read_bytes() for p in sorted(build.rglob("*.json"))}
        assert not [rel for rel, content in files.items() if str(tmp_path).encode() in content], "absolute paths"
        builds.append(files)
    assert builds[0] == builds[1]


BACKEND = '''    backend:
      type: local
      config:
        path: "{root}/.alchemesh/state/{env}/{domain}/{product}.tfstate"
'''


def _with_backend(quickstart: Path, text: str) -> None:
    edit(quickstart, "alchemesh.yaml", (BACKEND, text))


@pytest.mark.parametrize("backend, words", [
    ('    backend: {type: pg, config: {conn_str: "postgres://am:hunter2@db/state", schema_name: "{domain}_{product}"}}\n',
     ["the pg backend for environment `dev` sets `conn_str` holds a password in a URL", "PG_CONN_STR"]),
    ('    backend: {type: s3, config: {bucket: b, key: "{domain}/{product}", secret_key: abc}}\n',
     ["sets `secret_key`", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"]),
    ('    backend: {type: pg, config: {schema_name: "am_{env}"}}\n',
     ["the backend gives marketing/customer-value and marketing/segments the same state in `dev`",
      "{domain} and {product}"]),
    ('    backend: {type: local, config: {path: "{root}/state.tfstate"}}\n', ["the same state"]),
])
def test_a_backend_with_credentials_or_one_state_for_all_is_refused(quickstart: Path, backend: str, words: list):
    _with_backend(quickstart, backend)
    result = run_cli("compile", cwd=quickstart)
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert all(w in result.err for w in words), result.err
    assert "hunter2" not in result.err + result.out and not build_of(quickstart).exists()
    assert_no_traceback(result)


def test_backends_per_environment_and_required_providers(quickstart: Path):
    _with_backend(quickstart, BACKEND + '''    backends:
      prod: {type: pg, config: {schema_name: "am_prod_{domain}_{product}"}}
    requiredProviders:
      null: {source: hashicorp/null, version: "~> 2.1"}
      duckdb: {source: example/duckdb}
''')
    edit(quickstart, "alchemesh.yaml", ("environments: [dev]", "environments: [dev, prod]"))
    assert run_cli("compile", "--env", "dev", "--env", "prod", cwd=quickstart).code == 0
    dev = json.loads((build_of(quickstart, "dev") / "sales/orders/main.tf.json").read_text())["terraform"]
    prod = json.loads((build_of(quickstart, "prod") / "sales/orders/main.tf.json").read_text())["terraform"]
    assert list(dev["backend"]) == ["local"] and prod["backend"] == {"pg": {"schema_name": "am_prod_sales_orders"}}
    assert prod["required_providers"] == {"duckdb": {"source": "example/duckdb"},
                                          "null": {"source": "hashicorp/null", "version": "~> 2.1"}}
    consumer = json.loads((build_of(quickstart, "prod") / "marketing/customer-value/main.tf.json").read_text())
    reads = consumer["data"]["terraform_remote_state"]["producer_sales__orders"]
    assert reads["backend"] == "pg" and reads["config"] == {"schema_name": "am_prod_sales_orders"}


def test_flags_and_files_about_credentials_are_no_credentials(quickstart: Path):
    _with_backend(quickstart, '''    backend:
      type: s3
      config:
        bucket: state
        key: "{env}/{domain}/{product}.tfstate"
        skip_credentials_validation: true
        shared_credentials_files: [/home/ci/.aws/credentials]
''')
    result = run_cli("compile", cwd=quickstart)
    assert result.code == 0, result.err


def test_an_unchanged_mesh_compiles_from_the_build_on_disk(quickstart: Path):
    """`compile` answers from the cached build as `plan` does: no parse, no models; an edit compiles again."""
    import subprocess
    import sys

    probe = ("import sys\nfrom alchemesh.cli.main import main\nsys.argv = ['alchemesh', 'compile']\n"
             "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
             "print('MODELS' if 'alchemesh.model.resources' in sys.modules else 'NONE', code)\n")

    def compile_once() -> list[str]:
        done = subprocess.run([sys.executable, "-c", probe], cwd=quickstart, capture_output=True, text=True)
        return done.stdout.splitlines()

    first, again = compile_once(), compile_once()
    assert first[-1] == "MODELS 0" and "0 file(s) changed" not in first[0]
    assert again == [first[0].replace(first[0].split(", ")[-1], "0 file(s) changed"), "NONE 0"]
    edit(quickstart, "domains/sales/orders/product.yaml", ("version: 1.1.0", "version: 1.1.1"))
    assert compile_once()[-1] == "MODELS 0"  # the specs changed (not the stacks, here): compiled, not taken
    (build_of(quickstart) / "sales/orders/main.tf.json").write_text("{}")  # a stack changed by hand: compiled again
    mended = compile_once()
    assert mended[-1] == "MODELS 0" and "1 file(s) changed" in mended[0]
