"""The one table of contract-change classes: each change's name, how it lands in each mode, and why.

`consumer` mode (the default) asks: can an existing consumer, written against the old contract, fail
on data that satisfies the new one? `producer` mode asks: must an existing producer, writing what
satisfied the old contract, change what it writes for the new contract to describe its data (a column
the contract dropped, one it now requires, a bound its data may exceed)? `full` is breaking when either
is; `none` reports changes but never fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Impact = Literal["breaking", "compatible", "info"]
Mode = Literal["consumer", "producer", "full", "none"]
MODES: tuple[Mode, ...] = ("consumer", "producer", "full", "none")


class Kind:
    """Every contract-change class, by the rule name it is reported under."""

    CONTRACT_REMOVED = "contract-removed"
    SCHEMA_REMOVED = "schema-removed"
    SCHEMA_RENAMED = "schema-renamed"
    SCHEMA_ADDED = "schema-added"
    SCHEMA_TYPE_CHANGED = "schema-type-changed"
    FIELD_REMOVED = "field-removed"
    FIELD_RENAMED = "field-renamed"
    FIELD_TYPE_CHANGED = "field-type-changed"
    FIELD_MADE_OPTIONAL = "field-made-optional"
    FIELD_MADE_REQUIRED = "field-made-required"
    ENUM_VALUE_ADDED = "enum-value-added"
    ENUM_VALUE_REMOVED = "enum-value-removed"
    CONSTRAINT_LOOSENED = "constraint-loosened"
    CONSTRAINT_TIGHTENED = "constraint-tightened"
    CONSTRAINT_CHANGED = "constraint-changed"
    QUALITY_LOOSENED = "quality-loosened"
    QUALITY_TIGHTENED = "quality-tightened"
    QUALITY_CHANGED = "quality-changed"
    SLA_LOOSENED = "sla-loosened"
    SLA_TIGHTENED = "sla-tightened"
    SLA_CHANGED = "sla-changed"
    SERVER_CHANGED = "server-changed"
    RELATIONSHIP_REMOVED = "relationship-removed"
    RELATIONSHIP_ADDED = "relationship-added"
    CONTRACT_RETIRED = "contract-retired"
    FIELD_ADDED = "field-added"
    METADATA_CHANGED = "metadata-changed"


class VersionRule:
    """The rules on a changed contract's version."""

    BREAKING_WITHOUT_MAJOR_BUMP = "breaking-change-without-major-bump"
    CHANGED_WITHOUT_VERSION_BUMP = "changed-without-version-bump"


class UsageRule:
    """A breaking change no consumer is affected by, as far as the mesh knows who reads what."""

    BREAKING_UNUSED = "breaking-unused"


USAGE_RULES = {
    UsageRule.BREAKING_UNUSED: (
        "warning",
        "A breaking change to a field no consumer reads (and no consumer whose reads are unknown).",
        "It breaks no one today, so it does not fail the check; it still asks for the major bump the version rule "
        "requires, since a consumer may start reading the field at any time. The severity depends on usage: the "
        "same change to a field that is read stays its own rule, an error naming each reader.",
    ),
}


@dataclass(frozen=True, slots=True)
class ChangeClass:
    name: str  # a Kind
    consumer: Impact
    producer: Impact
    summary: str
    why: str


CHANGES: dict[str, ChangeClass] = {
    c.name: c
    for c in (
        ChangeClass(Kind.CONTRACT_REMOVED, "breaking", "breaking", "A contract was removed while its port still has consumers.",
                    "Consumers lose the promise their pipelines were built on."),
        ChangeClass(Kind.SCHEMA_REMOVED, "breaking", "breaking", "A schema object (table, topic, file) was removed.",
                    "Consumers reading it fail; producers still writing it break the new contract."),
        ChangeClass(Kind.SCHEMA_RENAMED, "breaking", "breaking",
                    "A schema object (matched by its stable `id`) was renamed, or its physicalName changed.",
                    "Queries name the old object; producers still write it under the old name."),
        ChangeClass(Kind.SCHEMA_ADDED, "compatible", "compatible", "A schema object was added.",
                    "Nobody depended on it yet."),
        ChangeClass(Kind.FIELD_REMOVED, "breaking", "breaking", "A property was removed.",
                    "Queries selecting the column fail."),
        ChangeClass(Kind.FIELD_RENAMED, "breaking", "breaking", "A property (matched by its stable `id`) was renamed.",
                    "Queries use the old name."),
        ChangeClass(Kind.FIELD_TYPE_CHANGED, "breaking", "breaking", "A property's logicalType or physicalType changed.",
                    "Code parsing the old type fails on the new one."),
        ChangeClass(Kind.FIELD_MADE_OPTIONAL, "breaking", "compatible", "A required property may now be null.",
                    "Consumers that relied on a value now meet nulls; producers may keep sending values."),
        ChangeClass(Kind.FIELD_MADE_REQUIRED, "compatible", "breaking", "An optional property is now required.",
                    "Consumers always get a value; producers that send nulls now break the contract."),
        ChangeClass(Kind.ENUM_VALUE_ADDED, "breaking", "compatible", "An enumeration admits a new value.",
                    "A consumer's exhaustive match meets a value it does not know."),
        ChangeClass(Kind.ENUM_VALUE_REMOVED, "compatible", "breaking", "An enumeration no longer admits a value.",
                    "Producers still emitting the value break the contract."),
        ChangeClass(Kind.CONSTRAINT_LOOSENED, "breaking", "compatible",
                    "A constraint admits more values (length, range, pattern, unique, primaryKey).",
                    "Consumers that relied on the constraint meet values they did not expect."),
        ChangeClass(Kind.CONSTRAINT_TIGHTENED, "compatible", "breaking",
                    "A constraint admits fewer values (length, range, pattern, unique, primaryKey).",
                    "Producers' existing data may no longer satisfy it."),
        ChangeClass(Kind.CONSTRAINT_CHANGED, "breaking", "breaking",
                    "A constraint changed neither only looser nor only tighter (a new pattern, a bound of another "
                    "type, the key's order).",
                    "It admits some values it did not and rejects some it did: consumers and producers may both "
                    "break. Said once, not as a loosening and a tightening that contradict each other."),
        ChangeClass(Kind.QUALITY_LOOSENED, "breaking", "compatible",
                    "A quality rule admits more (more nulls, duplicates or invalid values tolerated, fewer rows "
                    "promised, a lower severity), or was removed.",
                    "Consumers that relied on the rule meet data it used to stop; producers' data still passes."),
        ChangeClass(Kind.QUALITY_TIGHTENED, "compatible", "breaking",
                    "A quality rule admits less, or was added.",
                    "Producers' data may fail the rule; consumers only get cleaner data."),
        ChangeClass(Kind.QUALITY_CHANGED, "breaking", "breaking",
                    "A quality rule changed neither only looser nor only tighter (another query, another pattern).",
                    "It measures something else now: consumers and producers may both break."),
        ChangeClass(Kind.SCHEMA_TYPE_CHANGED, "breaking", "breaking",
                    "A schema object's physicalType changed (a table became a topic, a view, a file).",
                    "Consumers read it another way; producers write it another way."),
        ChangeClass(Kind.SLA_LOOSENED, "breaking", "compatible",
                    "A service level promises less (a longer latency, a shorter retention, a lower availability), "
                    "or was removed.",
                    "Consumers scheduled on the old level meet stale or missing data; producers still meet it."),
        ChangeClass(Kind.SLA_TIGHTENED, "compatible", "breaking", "A service level promises more, or was added.",
                    "Producers' pipelines may not deliver the new level; consumers only gain."),
        ChangeClass(Kind.SLA_CHANGED, "breaking", "breaking",
                    "A service level changed neither only looser nor only tighter.",
                    "It promises something else: consumers and producers may both break."),
        ChangeClass(Kind.SERVER_CHANGED, "breaking", "breaking",
                    "A server was removed, or where its data is changed (type, host, database, schema, path, "
                    "format, environment, …).",
                    "Consumers read from the old place; producers write there."),
        ChangeClass(Kind.RELATIONSHIP_REMOVED, "breaking", "compatible", "A relationship (a foreign key) was removed.",
                    "Consumers' joins relied on it holding; producers' data still fits."),
        ChangeClass(Kind.RELATIONSHIP_ADDED, "compatible", "breaking", "A relationship (a foreign key) was added.",
                    "Producers' data may not satisfy it; consumers only gain."),
        ChangeClass(Kind.CONTRACT_RETIRED, "breaking", "compatible", "The contract's status became `retired`.",
                    "Its data is no longer served: consumers lose it; producers may stop."),
        ChangeClass(Kind.FIELD_ADDED, "compatible", "compatible", "A property was added.",
                    "Existing readers ignore it; a new required property is reported as made-required too."),
        ChangeClass(Kind.METADATA_CHANGED, "info", "info", "Descriptive metadata changed (description, tags, …).",
                    "No data changes shape; worth a line in the changelog."),
    )
}

VERSION_RULES = {
    VersionRule.BREAKING_WITHOUT_MAJOR_BUMP: (
        "error",
        "A contract with breaking changes keeps its major version.",
        "Consumers pin a major version; a break inside it reaches them without warning.",
    ),
    VersionRule.CHANGED_WITHOUT_VERSION_BUMP: (
        "warning",
        "A changed contract keeps its version.",
        "Two different contracts would share one version: nobody can tell which one they read.",
    ),
}


def impact(change: str, mode: Mode) -> Impact:
    """How a change class lands in a mode."""
    cls = CHANGES[change]
    if mode == "producer":
        return cls.producer
    if mode == "full":
        if "breaking" in (cls.consumer, cls.producer):
            return "breaking"
        return "compatible" if "compatible" in (cls.consumer, cls.producer) else "info"
    return cls.consumer
