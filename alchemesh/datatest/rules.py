"""The rules `alchemesh test` reports about a port's data (SPEC §7), each documented here."""

from __future__ import annotations

from alchemesh.findings import Severity
from alchemesh.validate.rules.base import Rule

UNREACHABLE = Rule("data-unreachable", Severity.ERROR, """The port's data cannot be read.

Why:
    A port nobody can test is a port nobody can trust: it was never applied, its engine is down, the test's
    credentials have no permission, or its component does not say which engine holds the data.

Example:
    spec.components.local-duckdb: {type: output-port, source: …}   # no `engine`

Fix:
    Apply the product first; declare the component's `engine` (duckdb, postgres, bigquery, snowflake, athena);
    give the test run the engine's credentials in its environment (PGPASSWORD, GOOGLE_APPLICATION_CREDENTIALS…).
""")
OBJECT_MISSING = Rule("data-object-missing", Severity.ERROR, """A schema object of the contract has no table.

Why:
    Every consumer's query names the table; without it, each of them fails.

Example:
    schema: [{name: orders}]   # and the port's database has no `orders` table

Fix:
    Create the table (apply the product again), or correct the object's `name` / `physicalName`.
""")
PROPERTY_MISSING = Rule("data-property-missing", Severity.ERROR, """A property of the contract has no column.

Why:
    Consumers select the column by its name; a missing one fails their queries.

Example:
    properties: [{name: amount_eur}]   # the table has `amount` instead

Fix:
    Add or rename the column in the product's code, or the property's `name` / `physicalName` in the contract.
""")
TYPE_MISMATCH = Rule("data-type-mismatch", Severity.ERROR, """A column's type is not the property's `physicalType`, or does not hold its `logicalType`.

Why:
    Consumers parse the values by the promised type: text where a number was promised breaks them.

Example:
    physicalType: DECIMAL(10,2)   # the column is DOUBLE

Fix:
    Cast the column in the product's code to the promised type, or change the contract (a breaking change).
""")
REQUIRED = Rule("data-required", Severity.ERROR, """A `required` property holds nulls.

Why:
    Consumers were promised a value in every row: a null there breaks their joins and sums.

Example:
    {name: customer_id, required: true}   # 3 rows hold NULL

Fix:
    Filter or fill the nulls in the product's code, or make the property optional (a breaking change).
""")
UNIQUE = Rule("data-unique", Severity.ERROR, """A `unique` property, or the primary key, holds duplicates.

Why:
    Consumers join on the key: a duplicate multiplies their rows. A composite key is checked as a whole, in
    `primaryKeyPosition` order.

Example:
    {name: order_id, primaryKey: true}   # O-50001 appears twice

Fix:
    Deduplicate in the product's code (a `QUALIFY ROW_NUMBER() … = 1`, a `DISTINCT ON`).
""")
QUALITY = Rule("data-quality", Severity.ERROR, """A `quality` rule of the contract fails on the data.

Why:
    The rule is a promise about the data: null, missing, invalid or duplicate values, a row count, or a `sql`
    query's result. The finding names the metric, the bound and what was measured. A rule's own `severity` is
    the finding's.

Example:
    {metric: invalidValues, arguments: {validValues: [placed, shipped]}, mustBe: 0}   # 4 rows hold `lost`

Fix:
    Correct the data in the product's code, or the rule (a tightened rule is a breaking change for producers).
""")
FRESHNESS = Rule("data-freshness", Severity.ERROR, """The newest value of the freshness SLA's element is older than it allows.

Why:
    Consumers schedule on the promised freshness: stale data gives them yesterday's answer as today's.

Example:
    slaProperties: [{property: freshness, value: 1, unit: d, element: orders.ordered_at}]   # newest is 3 d old

Fix:
    Run the product's pipeline (its schedule, its upstream), or promise what it can keep.
""")

RULES = (UNREACHABLE, OBJECT_MISSING, PROPERTY_MISSING, TYPE_MISMATCH, REQUIRED, UNIQUE, QUALITY, FRESHNESS)
