"""Generate a synthetic, valid alchemesh mesh of N data products for benchmarks.

Usage::

    python benchmarks/generate_mesh.py N OUT_DIR [--seed S] [--force]

The mesh follows SPEC.md §1: a ``.gitignore`` for ``.alchemesh/``, one ``alchemesh.yaml`` (Mesh), ~N/50 teams in
``teams/``, ~N/25 domains in ``domains/DOMAIN/domain.yaml``, a ``polysemes.yaml``
with the ``customer`` polyseme, and per product ``domains/DOMAIN/PRODUCT/product.yaml``
(DataProduct), ``contract.odcs.yaml`` (ODCS v3.1.0 DataContract) and the ``transform.sql`` its code entry
runs. The mesh carries a copy of the real local components (``components/local/``, as ``alchemesh init`` writes
them), so it validates clean with every rule on: ``component-config`` reads the modules it would run.

Products only consume output ports of *earlier* products, so the graph is a DAG,
and only ports they may see (``public``, or ``domain`` within the same domain).
Output is deterministic for a given N and seed. Files are written from text
templates, not a YAML dumper, so 10,000 products take a few seconds.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

API_VERSION = "alchemesh.io/v1alpha1"
ODCS_VERSION = "v3.1.0"
POLYSEME = "customer"
POLYSEME_KEY = "customer_id"
COMPONENTS = Path(__file__).resolve().parents[1] / "alchemesh" / "components" / "local"

# Words never include YAML 1.1 booleans/nulls (yes, no, on, off, null, ...).
DOMAIN_WORDS = [
    "sales", "crm", "finance", "marketing", "logistics", "inventory", "billing",
    "support", "hr", "payments", "catalog", "pricing", "shipping", "risk",
    "fraud", "loyalty", "ads", "search", "identity", "procurement",
]
TEAM_WORDS = [
    "analytics", "platform", "core", "insights", "ops", "engineering",
    "science", "reporting", "integration", "growth",
]
PRODUCT_WORDS = [
    "orders", "customers", "invoices", "payments", "shipments", "returns",
    "products", "prices", "sessions", "clicks", "campaigns", "leads",
    "tickets", "refunds", "subscriptions", "carts", "reviews", "stock",
    "suppliers", "contracts", "employees", "accounts", "transactions", "events",
]
SYSTEMS = [
    "shopify", "salesforce", "sap", "stripe", "zendesk", "hubspot",
    "postgres-erp", "kafka-clickstream", "workday", "netsuite",
]
DOMAIN_TYPES = ["source-aligned", "aggregate", "consumer-aligned"]
TIERS = ["gold", "silver", "bronze"]
CLASSIFICATIONS = ["public", "internal", "restricted", "confidential"]
MEMBERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]

# Column name -> (logicalType, physicalType); a name always has the same type.
COLUMNS: dict[str, tuple[str, str]] = {
    "created_at": ("timestamp", "TIMESTAMP"),
    "updated_at": ("timestamp", "TIMESTAMP"),
    "event_date": ("date", "DATE"),
    "amount": ("number", "DECIMAL(18,2)"),
    "currency": ("string", "VARCHAR(3)"),
    "quantity": ("integer", "INTEGER"),
    "status": ("string", "VARCHAR"),
    "country": ("string", "VARCHAR(2)"),
    "city": ("string", "VARCHAR"),
    "channel": ("string", "VARCHAR"),
    "is_active": ("boolean", "BOOLEAN"),
    "is_test": ("boolean", "BOOLEAN"),
    "score": ("number", "DOUBLE"),
    "discount": ("number", "DECIMAL(9,2)"),
    "tax_amount": ("number", "DECIMAL(18,2)"),
    "line_count": ("integer", "BIGINT"),
    "email": ("string", "VARCHAR"),
    "phone": ("string", "VARCHAR"),
    "source_system": ("string", "VARCHAR"),
    "batch_id": ("string", "VARCHAR"),
    "valid_from": ("date", "DATE"),
    "valid_to": ("date", "DATE"),
    "weight_kg": ("number", "DOUBLE"),
    "rank": ("integer", "INTEGER"),
    "category": ("string", "VARCHAR"),
    "segment": ("string", "VARCHAR"),
    "notes": ("string", "VARCHAR"),
    "external_ref": ("string", "VARCHAR"),
}
COLUMN_NAMES = list(COLUMNS)


@dataclass
class Product:
    """One data product and the choices the templates need."""

    index: int
    name: str
    noun: str
    domain: str
    owner: str
    version: str
    visibility: str
    system: str
    tier: str
    consumes: list[str] = field(default_factory=list)  # "domain/product/port" refs

    @property
    def port(self) -> str:
        return self.noun

    @property
    def ref(self) -> str:
        return f"{self.domain}/{self.name}/{self.port}"


@dataclass
class Domain:
    """One domain: its owner team and optional parent."""

    name: str
    owner: str
    type: str
    parent: str | None


def numbered(words: list[str], count: int, prefix: str = "") -> list[str]:
    """Return `count` unique names from `words`, suffixing -2, -3, ... on wrap-around."""
    names = []
    for i in range(count):
        word = words[i % len(words)]
        lap = i // len(words)
        names.append(f"{prefix}{word}" + (f"-{lap + 1}" if lap else ""))
    return names


def make_domains(rng: random.Random, count: int, teams: list[str]) -> list[Domain]:
    """Create domains; some later ones get an earlier domain as parent."""
    domains = []
    for i, name in enumerate(numbered(DOMAIN_WORDS, count)):
        parent = domains[rng.randrange(i)].name if i >= 3 and rng.random() < 0.2 else None
        domains.append(Domain(name, teams[i % len(teams)], DOMAIN_TYPES[i % 3], parent))
    return domains


def pick_visibility(rng: random.Random) -> str:
    """Mostly public output ports, a few domain-only and private ones."""
    r = rng.random()
    return "public" if r < 0.85 else "domain" if r < 0.95 else "private"


def pick_inputs(
    rng: random.Random, domain: str, public: list[str], by_domain: dict[str, list[str]]
) -> list[str]:
    """Pick 0-3 distinct visible output ports of earlier products."""
    local = by_domain.get(domain, [])
    total = len(public) + len(local)
    if not total:
        return []
    wanted = min(total, rng.choices([0, 1, 2, 3], weights=[25, 35, 25, 15])[0])
    chosen: list[str] = []
    for _ in range(wanted * 4):
        if len(chosen) == wanted:
            break
        i = rng.randrange(total)
        ref = public[i] if i < len(public) else local[i - len(public)]
        if ref not in chosen:
            chosen.append(ref)
    return chosen


def make_products(rng: random.Random, count: int, domains: list[Domain]) -> list[Product]:
    """Create products in order; each consumes only ports of earlier products."""
    products: list[Product] = []
    public: list[str] = []
    by_domain: dict[str, list[str]] = {}
    for i in range(count):
        domain = domains[i] if i < len(domains) else domains[rng.randrange(len(domains))]
        noun = PRODUCT_WORDS[rng.randrange(len(PRODUCT_WORDS))]
        version = f"{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 5)}"
        product = Product(
            index=i, name=f"{noun}-{i}", noun=noun, domain=domain.name, owner=domain.owner,
            version=version, visibility=pick_visibility(rng),
            system=SYSTEMS[rng.randrange(len(SYSTEMS))], tier=TIERS[rng.randrange(3)],
        )
        product.consumes = pick_inputs(rng, domain.name, public, by_domain)
        if product.visibility == "public":
            public.append(product.ref)
        elif product.visibility == "domain":
            by_domain.setdefault(domain.name, []).append(product.ref)
        products.append(product)
    return products


# --------------------------------------------------------------------------- templates


def singular(noun: str) -> str:
    """Crude singular of the product words ("orders" -> "order")."""
    return noun[:-1] if noun.endswith("s") else noun


def mesh_yaml(name: str) -> str:
    """The root Mesh resource."""
    return f"""apiVersion: {API_VERSION}
kind: Mesh
metadata:
  name: {name}
  description: Synthetic mesh generated for alchemesh benchmarks.
spec:
  environments: [dev, prod]
  terraform:
    requiredVersion: ">= 1.0"
    backend:
      type: local
      config:
        path: "{{root}}/.alchemesh/state/{{env}}/{{domain}}/{{product}}.tfstate"
  components:
    local-landing:
      type: input-port
      source: ./components/local/input-port-landing
    local-duckdb-attach:
      type: input-port
      source: ./components/local/input-port-duckdb-attach
    local-duckdb:
      type: output-port
      source: ./components/local/output-port-duckdb
    local-sql:
      type: code
      source: ./components/local/code-sql
  compatibility: consumer
  exclude: [".alchemesh/**"]
"""


def team_yaml(name: str, rng: random.Random) -> str:
    """One Team resource with two members."""
    owner, member = rng.sample(MEMBERS, 2)
    return f"""apiVersion: {API_VERSION}
kind: Team
metadata:
  name: {name}
spec:
  displayName: {name.replace("-", " ").title()}
  contacts:
    - type: email
      value: {name}@example.com
  members:
    - name: {owner}
      role: owner
    - name: {member}
      role: member
"""


def domain_yaml(domain: Domain) -> str:
    """One Domain resource."""
    parent = f"  parent: {domain.parent}\n" if domain.parent else ""
    return f"""apiVersion: {API_VERSION}
kind: Domain
metadata:
  name: {domain.name}
  description: The {domain.name} domain.
spec:
  owner: {domain.owner}
  type: {domain.type}
{parent}"""


def polysemes_yaml(owner: str) -> str:
    """The shared `customer` polyseme."""
    return f"""apiVersion: {API_VERSION}
kind: Polyseme
metadata:
  name: {POLYSEME}
  description: A customer of the company, shared across domains.
spec:
  owner: {owner}
  identifier:
    name: {POLYSEME_KEY}
    logicalType: string
"""


def consumer_port(ref: str) -> str:
    """An input port reading another product's output port."""
    product = ref.split("/")[1]
    return f"""    - name: {product}
      component: local-duckdb-attach
      source:
        outputPort: {ref}
"""


def product_yaml(p: Product) -> str:
    """One DataProduct resource."""
    inputs = "".join(consumer_port(ref) for ref in p.consumes)
    major = p.version.split(".")[0]
    return f"""apiVersion: {API_VERSION}
kind: DataProduct
metadata:
  name: {p.name}
  description: {p.noun.title()} of the {p.domain} domain, number {p.index}.
  labels:
    tier: {p.tier}
spec:
  domain: {p.domain}
  owner: {p.owner}
  version: {p.version}
  status: active
  inputPorts:
    - name: {p.system}-landing
      component: local-landing
      source:
        system: {p.system}
{inputs}  outputPorts:
    - name: {p.port}
      component: local-duckdb
      contract: urn:datacontract:{p.domain}:{p.name}
      version: {major}
      visibility: {p.visibility}
  code:
    - name: transform
      component: local-sql
      config: {{sql_file: transform.sql}}
"""


def property_yaml(name: str, logical: str, physical: str, required: bool, classification: str,
                  extra: str = "") -> str:
    """One ODCS schema property."""
    return f"""      - name: {name}
        logicalType: {logical}
        physicalType: {physical}
        required: {"true" if required else "false"}
        description: The {name.replace("_", " ")} value.
        classification: {classification}
{extra}"""


def contract_properties(rng: random.Random, p: Product) -> str:
    """8-15 properties: a primary key, the polyseme join and random columns."""
    key = f"{singular(p.noun)}_id"
    if key == POLYSEME_KEY:  # the customers product: its key is the shared identifier
        key = "customer_key"
    parts = [
        property_yaml(key, "string", "VARCHAR", True, "internal",
                      "        primaryKey: true\n        primaryKeyPosition: 1\n"),
        property_yaml(POLYSEME_KEY, "string", "VARCHAR", True, "restricted",
                      "        customProperties:\n"
                      "          - property: polyseme\n"
                      f"            value: {POLYSEME}\n"),
    ]
    for column in rng.sample(COLUMN_NAMES, rng.randint(6, 13)):
        logical, physical = COLUMNS[column]
        parts.append(property_yaml(column, logical, physical, rng.random() < 0.5,
                                   CLASSIFICATIONS[rng.randrange(4)]))
    return "".join(parts)


def contract_yaml(rng: random.Random, p: Product) -> str:
    """One ODCS v3.1.0 DataContract behind the product's output port."""
    table = p.name.replace("-", "_")
    return f"""apiVersion: {ODCS_VERSION}
kind: DataContract
id: urn:datacontract:{p.domain}:{p.name}
name: {p.name}
version: {p.version}
status: active
domain: {p.domain}
description:
  purpose: {p.noun.title()} published by the {p.domain} domain.
  usage: Analytics and reporting.
schema:
  - name: {table}
    physicalName: {table}
    physicalType: table
    description: One row per {singular(p.noun)}.
    properties:
{contract_properties(rng, p)}"""


def transform_sql(p: Product) -> str:
    """The SQL the product's code entry runs: its output table, from its landing data."""
    table = p.name.replace("-", "_")
    return f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv_auto('data/{p.system}/*.csv');\n"


# --------------------------------------------------------------------------- writing


def write(path: Path, text: str) -> None:
    """Write UTF-8 text, creating parent directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def generate(n: int, out: Path, seed: int = 0) -> int:
    """Write a mesh of `n` products into `out`; return the number of files written."""
    rng = random.Random(seed)
    teams = numbered(TEAM_WORDS, max(1, round(n / 50)), prefix="team-")
    domains = make_domains(rng, max(1, round(n / 25)), teams)
    products = make_products(rng, n, domains)

    write(out / ".gitignore", ".alchemesh/\n")
    shutil.copytree(COMPONENTS, out / "components" / "local", ignore=_not_module_files)
    write(out / "alchemesh.yaml", mesh_yaml(f"bench-{n}"))
    write(out / "polysemes.yaml", polysemes_yaml(teams[0]))
    for team in teams:
        write(out / "teams" / f"{team}.yaml", team_yaml(team, rng))
    for domain in domains:
        write(out / "domains" / domain.name / "domain.yaml", domain_yaml(domain))
    for p in products:
        folder = out / "domains" / p.domain / p.name
        folder.mkdir(parents=True, exist_ok=True)
        write(folder / "product.yaml", product_yaml(p))
        write(folder / "contract.odcs.yaml", contract_yaml(rng, p))
        write(folder / "transform.sql", transform_sql(p))
    return 3 + len(teams) + len(domains) + 3 * len(products) + sum(1 for _ in _files(out / "components"))


def _not_module_files(folder: str, names: list[str]) -> list[str]:
    """What a module's folder holds besides the module: Terraform's working files, bytecode."""
    return [n for n in names if n.startswith((".terraform", "terraform.tfstate")) or n == "__pycache__"]


def _files(folder: Path) -> Iterator[Path]:
    return (path for path in folder.rglob("*") if path.is_file())


def prepare_out_dir(out: Path, force: bool) -> None:
    """Refuse to mix with an existing non-empty directory unless --force."""
    if out.exists() and any(out.iterdir()):
        if not force:
            sys.exit(f"error: {out} is not empty (use --force to replace it)")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of data products")
    parser.add_argument("out_dir", type=Path, help="directory to write the mesh into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--force", action="store_true", help="replace a non-empty OUT_DIR")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be >= 1")
    prepare_out_dir(args.out_dir, args.force)
    files = generate(args.n, args.out_dir, args.seed)
    print(f"wrote {files} files for {args.n} products to {args.out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
