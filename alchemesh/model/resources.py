"""The alchemesh resource kinds (SPEC §1) as frozen pydantic models.

These models are the source of truth for `schemas/*.schema.json` (`alchemesh schema export`).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from alchemesh.model.interface import COMPONENT_TYPES

API_VERSION = "alchemesh.io/v1alpha1"
NAME_PATTERN = r"^[a-z][a-z0-9-]{0,62}$"


def to_name(text: str, empty: str = "x") -> str:
    """A resource name made of `text`: lowercase letters, digits and `-`, starting with a letter (`empty` when
    nothing is left)."""
    import re

    name = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    name = re.sub(r"^[^a-z]+", "", name)[:63].rstrip("-")
    return name or empty
_SEGMENT = r"[a-z][a-z0-9-]{0,62}"
PORT_REF_PATTERN = rf"^(?:{_SEGMENT}/)?{_SEGMENT}/{_SEGMENT}$"
SEMVER_PATTERN = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"

Name = Annotated[
    str,
    Field(
        pattern=NAME_PATTERN,
        description="Lowercase letters, digits and '-', starting with a letter, at most 63 characters.",
    ),
]
Config = Annotated[
    dict[str, Any],
    Field(default_factory=dict, description="Passed to the component as module variables."),
]
ComponentType = Literal[COMPONENT_TYPES]  # type: ignore[valid-type]  # the interface table's types
Severity = Literal["error", "warning", "info"]
CompatibilityMode = Literal["consumer", "producer", "full", "none"]
LogicalType = Literal[
    "string", "date", "timestamp", "time", "number", "integer", "object", "array", "boolean", "map", "vector"
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Metadata(Model):
    name: Name
    description: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)


class ComponentEntry(Model):
    """A platform component: a Terraform module of one type."""

    name: Name
    component: Name = Field(description="A component of the Mesh registry.")
    config: Config


# --- Mesh -----------------------------------------------------------------------------------------


class Backend(Model):
    type: str = Field(description="A Terraform backend type, e.g. local, gcs, s3.")
    config: dict[str, Any] = Field(
        default_factory=dict, description="Backend settings; {root} {env} {domain} {product} are substituted."
    )


Platform = Annotated[str, Field(pattern=r"^[a-z0-9]+_[a-z0-9]+$", description="Terraform's OS_ARCH: linux_amd64.")]


class RequiredProvider(Model):
    source: str = Field(min_length=1, description="The provider's source address, e.g. hashicorp/google.")
    version: str | None = Field(default=None, description="A version constraint, e.g. ~> 5.0.")


class TerraformSettings(Model):
    requiredVersion: str = ">= 1.0"
    backend: Backend | None = None
    backends: dict[Name, Backend] = Field(
        default_factory=dict, description="Per environment: a backend instead of `backend`.")
    requiredProviders: dict[str, RequiredProvider] = Field(
        default_factory=dict, description="Written into every stack's terraform.required_providers.")
    lockPlatforms: list[Platform] = Field(
        default_factory=list, description="The platforms whose provider checksums the committed lock file records "
                                          "(`terraform providers lock -platform`), e.g. linux_amd64, darwin_arm64.")
    providers: dict[Name, dict[str, dict[str, Any]]] = Field(
        default_factory=dict, description="Per environment: provider name → provider block."
    )


Engine = Literal["duckdb", "postgres", "bigquery", "snowflake", "athena"]


class Component(Model):
    type: ComponentType
    source: str = Field(min_length=1, description="Any Terraform module source.")
    version: str | None = Field(default=None, description="Version constraint for registry sources.")
    description: str | None = None
    engine: Engine | None = Field(default=None, description=(
        "Output ports: the engine holding the port's data, which `alchemesh test` reads it with. The module's "
        "`location` output says where: a DuckDB file (duckdb), postgresql://HOST:PORT/DATABASE?schema=SCHEMA "
        "(postgres), PROJECT.DATASET (bigquery), DATABASE.SCHEMA (snowflake), CATALOG.DATABASE (athena)."))


class PolicyMatch(Model):
    kind: Literal["Mesh", "Team", "Domain", "DataProduct", "Polyseme", "DataContract"] | None = None
    name: str | None = Field(default=None, description="Glob on metadata.name (`id` for contracts).")
    domain: Name | None = Field(default=None, description="Data products of this domain.")
    labels: dict[str, str] = Field(default_factory=dict)


class Policy(Model):
    id: Name
    severity: Severity = "error"
    message: str
    match: PolicyMatch = Field(default_factory=PolicyMatch)
    schema_: dict[str, Any] = Field(
        alias="schema", description="JSON Schema every matched resource must satisfy."
    )

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class ContractWaiver(Model):
    """A deliberate contract change, accepted with its reason."""

    contract: str = Field(description="The ODCS `id`; glob patterns allowed.")
    rule: str = Field(description="The change rule, e.g. field-removed; `*` for any.")
    field: str | None = Field(default=None, description="`object.property`; glob patterns allowed; any when unset.")
    reason: str = Field(min_length=1, description="Why the change is accepted; shown in every report.")
    approvedBy: str | None = Field(default=None, description="Who accepted it.")
    expires: datetime.date | None = Field(default=None, strict=False, description=(
        "The last day it waives (YYYY-MM-DD); after it the change is reported again, saying the waiver expired."))


class ContractSettings(Model):
    ignore: list[ContractWaiver] = Field(default_factory=list)


Network = Annotated[str, Field(pattern=r"^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$")]


class NotificationMatch(Model):
    types: list[str] = Field(default_factory=list, description="Event types (globs: `io.alchemesh.test.*`); all when empty.")
    domains: list[Name] = Field(default_factory=list, description="Only events of these domains' stacks and ports.")


class Notification(Model):
    """A webhook every matching event of a run is POSTed to (CloudEvents structured mode)."""

    url: str = Field(pattern=r"^https?://[^\s@/]+(/\S*)?$",
                     description="http(s) URL; no credential in it (a signature secret comes from `secretEnv`).")
    secretEnv: str | None = Field(default=None, pattern=r"^ALCHEMESH_WEBHOOK_[A-Za-z0-9_]+$", description=(
        "Environment variable holding the secret, named ALCHEMESH_WEBHOOK_… (so that a pull request cannot sign "
        "with another secret of the run's environment): each body is signed with HMAC-SHA256 in "
        "X-Alchemesh-Signature and with the Standard Webhooks scheme (webhook-id, webhook-timestamp, "
        "webhook-signature)."))
    match: NotificationMatch = Field(default_factory=NotificationMatch)
    timeout: float = Field(default=10.0, gt=0, le=120, description="Seconds, retries included, the receiver may take.")


class MeshSpec(Model):
    environments: list[Name] = Field(default_factory=lambda: ["dev"], min_length=1)
    terraform: TerraformSettings = Field(default_factory=TerraformSettings)
    components: dict[Name, Component] = Field(default_factory=dict)
    infrastructure: list[ComponentEntry] = Field(default_factory=list)
    compatibility: CompatibilityMode = "consumer"
    contracts: ContractSettings = Field(default_factory=ContractSettings)
    rules: dict[str, Literal["error", "warning", "info", "off"]] = Field(default_factory=dict)
    policies: list[Policy] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    sunsetWarningDays: int = Field(default=30, ge=0, description=(
        "How many days before a sunset its consumers are warned (`sunset-approaching`)."))
    accessWarningDays: int = Field(default=30, ge=0, description=(
        "How many days before an access agreement ends its consumer is warned (`access-expiring`)."))
    notifications: list[Notification] = Field(default_factory=list)
    notificationNetworks: list[Network] = Field(default_factory=list, description=(
        "Networks (CIDR: `10.20.0.0/16`, `127.0.0.1/32`) a notification receiver may resolve to though they are "
        "loopback, private, link-local or multicast; every other such address is refused."))


# --- Team, Domain, Polyseme -----------------------------------------------------------------------


class Contact(Model):
    type: str = Field(description="email, slack, url, …")
    value: str


class Member(Model):
    name: str
    role: str | None = None


class TeamSpec(Model):
    displayName: str | None = None
    github: str | None = Field(default=None, pattern=r"^@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:/[A-Za-z0-9._-]+)?$",
                               description=(
        "The team's GitHub handle (`@org/team`, or `@user`): `alchemesh codeowners` makes it the code owner of what "
        "the team owns."))
    contacts: list[Contact] = Field(default_factory=list)
    members: list[Member] = Field(default_factory=list)


class DomainSpec(Model):
    owner: Name = Field(description="The owning Team.")
    type: Literal["source-aligned", "aggregate", "consumer-aligned"]
    parent: Name | None = Field(default=None, description="The parent Domain.")
    infrastructure: list[ComponentEntry] = Field(default_factory=list)


class Identifier(Model):
    name: str
    logicalType: LogicalType


class PolysemeSpec(Model):
    owner: Name = Field(description="The owning Team.")
    identifier: Identifier


# --- DataProduct ----------------------------------------------------------------------------------


class PortSource(Model):
    system: str | None = Field(default=None, description="An operational system outside the mesh.")
    outputPort: str | None = Field(
        default=None,
        pattern=PORT_REF_PATTERN,
        description="domain/product/port of another product; product/port inside one domain.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> PortSource:
        if (self.system is None) == (self.outputPort is None):
            raise ValueError("set exactly one of `system` or `outputPort`")
        return self


FIELD_PATTERN = r"^[^.\s]+\.[^\s]+$"


class InputPort(Model):
    name: Name
    component: Name
    source: PortSource
    description: str | None = None
    uses: list[Annotated[str, Field(pattern=FIELD_PATTERN)]] | None = Field(default=None, description=(
        "The fields of the producer's contract this port reads, `object.property` (`object.*`: all of an object's). "
        "alchemesh also infers them from the product's SQL; a consumer it can read neither way may read anything."))
    config: Config


class Sunset(Model):
    date: datetime.date = Field(strict=False, description="The day the port stops being served (YYYY-MM-DD).")
    replacedBy: str | None = Field(default=None, description=(
        "The port to move to: a port of the same product, or domain/product/port."))
    reason: str | None = None


class OutputPort(Model):
    name: Name
    component: Name
    status: Literal["active", "deprecated"] | None = Field(default=None, description=(
        "`deprecated`: consumers should move (with a `sunset`, by that date)."))
    sunset: Sunset | None = None
    contract: str | None = Field(default=None, description="The ODCS `id` of the port's data contract.")
    version: int = Field(default=1, ge=0, description="The port's major version; equals the contract's major.")
    visibility: Literal["public", "domain", "private"] = "public"
    compatibility: CompatibilityMode | None = Field(
        default=None, description="Contract check mode for this port; the Mesh default when unset."
    )
    description: str | None = None
    access: Literal["open", "agreement", "restricted"] = Field(default="open", description=(
        "Who may read the port: `open`, any product of the mesh its visibility allows; `agreement`, a product with "
        "an approved AccessAgreement in its window; `restricted`, the same, approved by one of `approvers`."))
    approvers: list[str] = Field(default_factory=list, description=(
        "`access: restricted`: who may approve an agreement (a team, or a person as agreements name them)."))
    protect: list[Name] = Field(default_factory=list, description=(
        "Environments where no run may destroy the port's data (the plan guard): only a reviewed change removing "
        "the protection lets it go."))
    config: Config


class CodeEntry(ComponentEntry):
    description: str | None = None


class DataProductSpec(Model):
    domain: Name
    owner: Name
    version: str = Field(pattern=SEMVER_PATTERN, description="Semantic version, e.g. 1.4.0.")
    status: Literal["draft", "active", "deprecated", "retired"]
    inputPorts: list[InputPort] = Field(default_factory=list)
    outputPorts: list[OutputPort] = Field(default_factory=list)
    code: list[CodeEntry] = Field(default_factory=list)


# --- AccessAgreement ------------------------------------------------------------------------------

PRODUCT_REF_PATTERN = rf"^{_SEGMENT}/{_SEGMENT}$"


class AgreementProvider(Model):
    outputPort: str = Field(pattern=rf"^{_SEGMENT}/{_SEGMENT}/{_SEGMENT}$", description=(
        "The output port agreed to: domain/product/port."))
    contractVersion: str | None = Field(default=None, pattern=SEMVER_PATTERN, description=(
        "The version of the port's contract agreed to."))


class AgreementConsumer(Model):
    product: str | None = Field(default=None, pattern=PRODUCT_REF_PATTERN, description="A data product: domain/product.")
    inputPort: Name | None = Field(default=None, description="The product's input port reading the provider's port.")
    team: Name | None = Field(default=None, description="A team (ad-hoc access).")
    user: str | None = Field(default=None, min_length=1, description="A person, as the access system names them.")

    @model_validator(mode="after")
    def _one_consumer(self) -> AgreementConsumer:
        if sum(v is not None for v in (self.product, self.team, self.user)) != 1:
            raise ValueError("set exactly one of `product`, `team` or `user`")
        if self.inputPort is not None and self.product is None:
            raise ValueError("`inputPort` belongs to a `product` consumer")
        return self

    @property
    def label(self) -> str:
        """Who it is, as people say it: `marketing/churn`, `team growth`, `user ann@acme.example`."""
        return self.product or (f"team {self.team}" if self.team else f"user {self.user}")


class Link(Model):
    type: str
    url: str
    description: str | None = None


class CustomProperty(Model):
    property: str
    value: Any = None


class AccessAgreementSpec(Model):
    id: str | None = Field(default=None, min_length=1, description=(
        "The agreement's identifier elsewhere (OAAS `id`, DUA `id`) when it is not the resource's name."))
    version: str | None = Field(default=None, pattern=SEMVER_PATTERN, description="Bumped when the terms change.")
    provider: AgreementProvider
    consumer: AgreementConsumer
    purpose: str = Field(min_length=1, description="Why the consumer needs the data.")
    usage: str | None = Field(default=None, description="What the consumer may do with it.")
    limitations: str | None = Field(default=None, description="Restrictions on the grant.")
    terms: str | None = Field(default=None, description="Commercial or contractual terms.")
    status: Literal["requested", "approved", "rejected", "revoked"]
    approvedBy: list[str] = Field(default_factory=list, description="Who approved it (teams or people).")
    start: datetime.date | None = Field(default=None, strict=False, description="The first day of access.")
    end: datetime.date | None = Field(default=None, strict=False, description=(
        "The last day of access; none: until revoked."))
    nextReassessment: datetime.date | None = Field(default=None, strict=False, description=(
        "When the agreement must next be reviewed."))
    roles: list[str] = Field(default_factory=list, description="Provider roles granted to the consumer.")
    tags: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list, description="Typed links (OAAS authoritativeDefinitions).")
    customProperties: list[CustomProperty] = Field(default_factory=list)

    def runs_on(self, day: datetime.date) -> bool:
        """Approved, and `day` within its window."""
        return self.status == "approved" and (self.start is None or self.start <= day) and (
            self.end is None or day <= self.end)


# --- resources ------------------------------------------------------------------------------------


class Resource(Model):
    apiVersion: Literal["alchemesh.io/v1alpha1"]
    metadata: Metadata

    @property
    def name(self) -> str:
        return self.metadata.name


class Mesh(Resource):
    kind: Literal["Mesh"]
    spec: MeshSpec = Field(default_factory=MeshSpec)


class Team(Resource):
    kind: Literal["Team"]
    spec: TeamSpec = Field(default_factory=TeamSpec)


class Domain(Resource):
    kind: Literal["Domain"]
    spec: DomainSpec


class Polyseme(Resource):
    kind: Literal["Polyseme"]
    spec: PolysemeSpec


class DataProduct(Resource):
    kind: Literal["DataProduct"]
    spec: DataProductSpec


class AccessAgreement(Resource):
    kind: Literal["AccessAgreement"]
    spec: AccessAgreementSpec


KINDS: dict[str, type[Resource]] = {
    "Mesh": Mesh,
    "Team": Team,
    "Domain": Domain,
    "DataProduct": DataProduct,
    "Polyseme": Polyseme,
    "AccessAgreement": AccessAgreement,
}
