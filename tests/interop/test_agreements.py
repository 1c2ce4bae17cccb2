"""`import|export oaas|dua`: access agreements through both standards, every field of each carried there and back (a
document imported then exported is the same document), each export valid against the standard's schema, and a
document that is not one a one-line error."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.testing import REPO, assert_no_traceback, run_cli

SCHEMAS = REPO / "alchemesh" / "interop" / "agreement_schemas"
TODAY = {"ALCHEMESH_TODAY": "2026-12-07"}


def _ids(mesh: Path) -> dict[str, str]:
    """domain/product → the id `export odps` gives it (the standards name products by it)."""
    out = mesh.parent / "odps"
    assert run_cli("export", "odps", str(mesh), "--out", str(out)).code == 0
    return {f"{d['domain']}/{d['name']}": d["id"] for d in (yaml.safe_load(p.read_text()) for p in out.rglob("*.yaml"))}


def _oaas(ids: dict[str, str]) -> dict:
    return {"apiVersion": "v0.9.0", "kind": "AccessAgreement", "id": "8f5d1c2a-4b3e-4a91-9d7c-6e2f0a1b3c4d",
            "name": "Orders for segmentation", "version": "1.1.0", "status": "approved",
            "description": {"purpose": "Segment customers by recency.", "usage": "Read-only, aggregated.",
                            "limitations": "No PII leaves the product.", "terms": "Free for three months."},
            "startTimestamp": "2026-07-01T00:00:00Z", "endTimestamp": "2027-06-30T23:59:59Z",
            "nextReassessmentTimestamp": "2027-01-01T00:00:00Z",
            "provider": {"teamId": "web-shop", "dataProductId": ids["sales/orders"], "outputPortId": "orders",
                         "dataContractId": "urn:datacontract:sales:orders", "dataContractVersion": "1.1.0"},
            "consumer": {"teamId": "growth-analytics", "dataProductId": ids["marketing/customer-value"]},
            "roles": [{"role": "orders.analyst.eu.read"}], "tags": ["gdpr-relevant"],
            "authoritativeDefinitions": [{"type": "legalAgreement", "url": "https://acme.example/dpa.pdf",
                                          "description": "The signed DPA."}],
            "customProperties": [{"property": "costCenter", "value": "MKT-4711"},
                                 {"property": "alchemesh:approvedBy", "value": ["web-shop"]},
                                 {"property": "alchemesh:inputPort", "value": "orders"}]}


def _dua(ids: dict[str, str]) -> dict:
    return {"dataUsageAgreementSpecification": "0.0.1", "id": "agreement-8f237f9h",
            "info": {"purpose": "ML model training.", "status": "approved", "active": True,
                     "startDate": "2026-01-01", "endDate": "2027-01-31", "individualAgreements": "Per project."},
            "provider": {"teamId": "web-shop", "dataProductId": ids["sales/customers"], "outputPortId": "customers",
                         "dataContractId": "urn:datacontract:sales:customers"},
            "consumer": {"userId": "mail@example.com"}, "tags": ["automated"],
            "links": {"ticket": "https://tickets.example/ACC-1"},
            "custom": {"platformRole": "arn:aws:iam::123456789012:role/agreement-8f237f9h"}}


@pytest.mark.parametrize(("standard", "document", "schema"), [
    ("oaas", _oaas, "oaas-v0.9.0.schema.json"), ("dua", _dua, "datausageagreement-0.0.1.schema.json")])
def test_a_document_comes_back_as_it_went_in(quickstart: Path, standard: str, document, schema: str):
    mesh = quickstart
    given = document(_ids(mesh))
    source = mesh.parent / f"in.{standard}.yaml"
    source.write_text(yaml.safe_dump(given, sort_keys=False))
    imported = run_cli("import", standard, str(source), "--out", str(mesh), env=TODAY)
    assert imported.code == 0, imported.out + imported.err
    assert run_cli("validate", str(mesh), env=TODAY).code == 0
    out = mesh.parent / "out"
    exported = run_cli("export", standard, str(mesh), "--out", str(out), env=TODAY)
    assert exported.code == 0, exported.out + exported.err
    (written,) = out.glob(f"*.{standard}.yaml")
    back = yaml.safe_load(written.read_text())
    validator = jsonschema.validators.validator_for(json.loads((SCHEMAS / schema).read_text()))
    validator(json.loads((SCHEMAS / schema).read_text()), format_checker=jsonschema.FormatChecker()).validate(back)
    assert back == given
    again = run_cli("import", standard, str(written), "--out", str(mesh), "--check", env=TODAY)
    assert again.code == 0, again.out + again.err  # the same agreement: nothing to write


def test_the_postgres_examples_agreement_exports_to_both(tmp_path: Path):
    for standard in ("oaas", "dua"):
        result = run_cli("export", standard, str(REPO / "mesh-examples/postgres-shop"), "--out",
                         str(tmp_path / standard), env=TODAY)
        assert result.code == 0 and "1 " in result.out, result.out + result.err


@pytest.mark.parametrize(("standard", "content", "said"), [
    ("oaas", "kind: DataProduct\n", "is not a OAAS document"),
    ("oaas", "apiVersion: v0.9.0\nkind: AccessAgreement\nid: x\nstatus: maybe\n", "is not valid OAAS"),
    ("dua", "dataUsageAgreementSpecification: 0.0.1\nid: x\ninfo: {purpose: p, status: approved, startDate: "
            "2026-01-01}\nprovider: {teamId: t, dataProductId: nowhere, outputPortId: o}\nconsumer: {teamId: t}\n",
     "provider.dataProductId 'nowhere' is no data product of the mesh"),
    ("dua", "[1, 2\n", "is not YAML alchemesh reads"),
])
def test_what_is_not_an_agreement_is_one_line_and_exit_2(quickstart: Path, standard: str, content: str, said: str):
    source = quickstart.parent / "in.yaml"
    source.write_text(content)
    result = run_cli("import", standard, str(source), "--out", str(quickstart))
    assert result.code == 2 and said in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert_no_traceback(result)


def test_odps_and_backstage_show_a_read_while_an_agreement_lets_it(tmp_path: Path):
    from tests.testing import EXAMPLES, copy_mesh

    mesh = copy_mesh(EXAMPLES / "postgres-shop", tmp_path / "mesh-examples" / "postgres-shop")

    def exported() -> tuple[list[str], list[str]]:
        assert run_cli("export", "odps", "--out", str(tmp_path / "odps"), cwd=mesh, env=TODAY).code == 0
        inputs = yaml.safe_load((tmp_path / "odps/marketing/customer-value.odps.yaml").read_text())["inputPorts"]
        assert run_cli("export", "backstage", "--out", str(tmp_path / "catalog-info.yaml"), cwd=mesh, env=TODAY).code == 0
        entities = list(yaml.safe_load_all((tmp_path / "catalog-info.yaml").read_text()))
        consumed = next(e for e in entities if e["kind"] == "Component"
                        and e["spec"]["system"] == "marketing-customer-value")["spec"]["consumesApis"]
        return [i["name"] for i in inputs], consumed

    assert exported() == (["orders", "customers"], ["api:sales-customers-customers", "api:sales-orders-orders"])
    (mesh / "domains/sales/customers/agreements/marketing-customer-value.yaml").unlink()
    assert exported() == (["orders"], ["api:sales-orders-orders"])  # no agreement: no read of customers claimed


def test_a_documents_names_never_leave_the_providers_folder(quickstart: Path):
    document = _oaas(_ids(quickstart))
    document["id"] = "../../../../outside"
    document["customProperties"].append({"property": "alchemesh:name", "value": "../../teams/x\n: y"})
    source = quickstart.parent / "in.oaas.yaml"
    source.write_text(yaml.safe_dump(document, sort_keys=False))
    imported = run_cli("import", "oaas", str(source), "--out", str(quickstart), env=TODAY)
    assert imported.code == 0, imported.out + imported.err
    (written,) = (quickstart / "domains/sales/orders/agreements").iterdir()
    assert written.name == "teams-x-y.yaml" and not (quickstart.parent / "outside").exists()
    assert yaml.safe_load(written.read_text())["spec"]["id"] == "../../../../outside"  # kept as data, not a path


def test_a_document_that_makes_no_valid_agreement_writes_nothing(quickstart: Path):
    document = _oaas(_ids(quickstart))
    document["customProperties"][-1]["value"] = "Not A Name: [x]"  # alchemesh:inputPort
    source = quickstart.parent / "in.oaas.yaml"
    source.write_text(yaml.safe_dump(document, sort_keys=False))
    result = run_cli("import", "oaas", str(source), "--out", str(quickstart))
    assert result.code == 2 and "makes no valid AccessAgreement: spec.consumer.inputPort" in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1 and not (quickstart / "domains/sales/orders/agreements").exists()
