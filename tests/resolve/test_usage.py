"""Field usage: what each consumer reads of its producers, declared or inferred from its SQL, or unknown — through
`alchemesh usage` and `validate`, on the bundled examples and on edits of the quickstart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing import EXAMPLES, copy_mesh, edit, run_cli

CV_SQL = "domains/marketing/customer-value/transform/customer_value.sql"
CV_PRODUCT = "domains/marketing/customer-value/product.yaml"

# Checked by hand against each SQL file: (consumer, input port) → the fields it reads, where each is first read.
QUICKSTART_READS = {
    ("marketing/customer-value", "orders"): {
        "orders.customer_id": f"{CV_SQL}:13:7", "orders.ordered_at": f"{CV_SQL}:15:16",
        "orders.amount_eur": f"{CV_SQL}:18:11", "orders.status": f"{CV_SQL}:21:9"},
    ("marketing/customer-value", "customers"): {
        "customers.country": f"{CV_SQL}:14:7", "customers.customer_id": f"{CV_SQL}:20:16"},  # USING (id): at its table
    ("marketing/segments", "clv"): {
        f"customer_value.{c}": f"domains/marketing/segments/transform/segments.sql:{at}"
        for c, at in (("last_order_on", "12:16"), ("customer_id", "15:7"), ("order_count", "17:16"),
                      ("lifetime_value_eur", "17:39"), ("first_order_on", "20:26"))},
}
PG_SQL = "domains/marketing/customer-value/transform/customer_value.sql"
POSTGRES_SHOP_READS = {
    ("marketing/customer-value", "orders"): {
        "orders.customer_id": f"{PG_SQL}:11:7", "orders.ordered_at": f"{PG_SQL}:13:16",
        "orders.amount_eur": f"{PG_SQL}:16:11", "orders.status": f"{PG_SQL}:19:9"},
    ("marketing/customer-value", "customers"): {"customers.country": f"{PG_SQL}:12:7",
                                                "customers.customer_id": f"{PG_SQL}:18:28"},
}


def _reads(mesh: Path) -> dict[tuple[str, str], dict[str, str] | str]:
    result = run_cli("usage", "--path", str(mesh), "--format", "json")
    assert result.code == 0, result.out + result.err
    out: dict[tuple[str, str], dict[str, str] | str] = {}
    for port in result.json()["ports"]:
        for consumer in port["consumers"]:
            key = (consumer["product"], consumer["port"])
            out[key] = "unknown" if consumer["unknown"] else {}
        for field in port["fields"]:
            for reader in field["readers"]:
                key = (reader["product"], reader["port"])
                if reader["provenance"] != "unknown":
                    out[key][field["field"]] = reader["location"]  # type: ignore[index]
    return out


@pytest.mark.parametrize(("example", "expected"), [("quickstart", QUICKSTART_READS),
                                                   ("postgres-shop", POSTGRES_SHOP_READS)])
def test_every_input_port_of_the_examples_reads_the_fields_checked_by_hand(example, expected):
    assert _reads(EXAMPLES / example) == expected


def test_consumers_the_inference_cannot_read_are_unknown_never_reading_nothing():
    """acme-retail's products run on warehouse components with no SQL file alchemesh reads."""
    reads = _reads(EXAMPLES / "acme-retail")
    assert reads and set(reads.values()) == {"unknown"}
    text = run_cli("usage", "crm/customers/customers", "--path", str(EXAMPLES / "acme-retail"))
    assert "read by 2 consumers, 2 of them unknown (may read every field)" in text.out
    assert "  customers.customer_id        unknown readers only" in text.out


@pytest.fixture
def mesh(tmp_path: Path) -> Path:
    return copy_mesh(EXAMPLES / "quickstart", tmp_path / "mesh-examples" / "quickstart")


def _findings(mesh: Path, *args: str) -> list[tuple[str, str, str]]:
    result = run_cli("validate", *args, "--format", "json", str(mesh))
    assert result.code in (0, 1), result.err
    return [(f["rule"], f"{f['file']}:{f['line']}:{f['column']}", f["message"]) for f in result.json()["findings"]]


def test_a_column_the_contract_lacks_is_an_error_at_the_sql_line_and_the_cache_sees_the_edit(mesh: Path):
    assert _findings(mesh) == []
    edit(mesh, CV_SQL, ("    c.country,\n", "    c.country, o.coupon_code,\n"))
    assert _findings(mesh) == [(
        "uses-unknown-field", f"{CV_SQL}:14:18", "input port `orders` of marketing/customer-value reads "
        "`orders.coupon_code`, which the contract urn:datacontract:sales:orders of sales/orders/orders does not have")]
    edit(mesh, CV_SQL, ("    c.country, o.coupon_code,\n", "    c.country,\n"))
    assert _findings(mesh) == []


def test_declared_uses_are_checked_against_the_contract_and_the_sql(mesh: Path):
    edit(mesh, CV_PRODUCT, ("      source: {outputPort: sales/orders/orders}\n",
                            "      source: {outputPort: sales/orders/orders}\n"
                            "      uses: [orders.customer_id, orders.order_id, orders.voucher]\n"))
    findings = _findings(mesh)
    assert [(rule, where) for rule, where, _ in findings] == [
        ("uses-unread", f"{CV_PRODUCT}:16:34"), ("uses-unknown-field", f"{CV_PRODUCT}:16:51")]
    assert "declares it reads `orders.order_id`, which the product's SQL does not read" in findings[0][2]
    assert "declares it reads `orders.voucher`, which the contract" in findings[1][2]
    reads = _reads(mesh)[("marketing/customer-value", "orders")]
    assert reads["orders.order_id"] == f"{CV_PRODUCT}:16:34"  # declared: its provenance is the spec line
    assert reads["orders.customer_id"] == f"{CV_PRODUCT}:16:14"  # declared first, read by the SQL too


def test_sql_that_cannot_be_read_makes_its_consumer_unknown(mesh: Path):
    (mesh / CV_SQL).write_text("SELECT FROM WHERE (((;\n")
    assert _reads(mesh)[("marketing/customer-value", "orders")] == "unknown"
    (mesh / CV_SQL).write_text("SELECT customer_id FROM orders.orders JOIN customers.customers USING (customer_id)"
                               " WHERE mystery > 1;\n")
    assert _reads(mesh)[("marketing/customer-value", "orders")] == "unknown"  # `mystery`: of which table?
    (mesh / CV_SQL).write_text("SELECT count(*) FROM orders.orders;\n")
    reads = _reads(mesh)
    assert reads[("marketing/customer-value", "orders")] == {}  # named, no field read: reads none, rightly
    assert reads[("marketing/customer-value", "customers")] == "unknown"  # never named: not "reads nothing"


def test_a_sql_file_outside_the_repo_is_never_read(mesh: Path, tmp_path: Path):
    outside = tmp_path / "outside.sql"
    outside.write_text("SELECT o.customer_id FROM orders.orders o;\n")
    edit(mesh, CV_PRODUCT, ("sql_file: transform/customer_value.sql", f"sql_file: {outside}"))
    assert _reads(mesh)[("marketing/customer-value", "orders")] == "unknown"


def test_usage_of_a_port_that_is_not_there_is_a_usage_error(mesh: Path):
    result = run_cli("usage", "sales/ordrs/orders", "--path", str(mesh))
    assert result.code == 2 and "no output port `sales/ordrs/orders`" in result.err


def test_a_deprecated_field_past_its_sunset_is_an_error_at_the_sql_line_that_reads_it(mesh: Path):
    edit(mesh, "domains/sales/orders/contract.odcs.yaml", ("apiVersion: v3.1.0", "apiVersion: v3.2.0"),
         ("        examples: [delivered]\n", "        examples: [delivered]\n        deprecated: true\n"
          "        customProperties:\n          - {property: sunset, value: 2027-01-15}\n"))
    early = run_cli("validate", "--format", "json", str(mesh), env={"ALCHEMESH_TODAY": "2026-12-01"})
    assert early.code == 0 and early.json()["findings"] == []
    soon = run_cli("validate", "--format", "json", str(mesh), env={"ALCHEMESH_TODAY": "2027-01-01"})
    assert [(f["rule"], f["file"], f["line"], f["column"]) for f in soon.json()["findings"]] == [
        ("sunset-approaching", CV_SQL, 21, 9)]
    late = run_cli("validate", "--format", "json", str(mesh), env={"ALCHEMESH_TODAY": "2027-01-16"})
    (finding,) = late.json()["findings"]
    assert late.code == 1 and (finding["rule"], finding["line"]) == ("sunset-passed", 21)
    assert finding["message"] == ("input port `orders` reads `orders.status` of sales/orders/orders, which was "
                                  "sunset on 2027-01-15 (1 day ago)")
    bad = run_cli("validate", str(mesh), env={"ALCHEMESH_TODAY": "soon"})
    assert bad.code == 2 and bad.err.strip() == "alchemesh: error: ALCHEMESH_TODAY='soon' is not a date (YYYY-MM-DD)"
