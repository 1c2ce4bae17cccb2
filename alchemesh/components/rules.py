"""The rules `alchemesh components check` reports about a Terraform module, each documented here."""

from __future__ import annotations

from alchemesh.findings import Severity
from alchemesh.validate.rules.base import Rule

LAYOUT = Rule("component-layout", Severity.ERROR, """A component module lacks a file of the standard layout.

Why:
    Every component is read the same way by people and tools: `main.tf`, `variables.tf`, `outputs.tf`,
    `versions.tf`, a `README.md` and `examples/`. A module without them is harder to review and to reuse.

Example:
    components/local/output-duckdb/   # no README.md, no examples/

Fix:
    Add the missing file or folder; the bundled `components/local/*` modules show the layout.
""")

HCL = Rule("component-hcl", Severity.ERROR, """A `.tf` file of a component module cannot be parsed.

Why:
    alchemesh reads a module's variables and outputs to check its interface and every port's `config`;
    a file it cannot read hides them, and Terraform would refuse it too.

Example:
    variable "location" {
      type = string
    # the block is never closed

Fix:
    Correct the HCL at the line given (`terraform fmt` points at it too).
""")

INTERFACE = Rule("component-interface", Severity.ERROR, """A component module does not meet its type's interface.

Why:
    alchemesh compiles every port into a module call with the interface variables of its component type
    (SPEC §6) and reads the interface outputs back; a module missing one, or typing it otherwise, fails
    inside Terraform far from its cause.

Example:
    variable "product" { type = string }   # the interface says object(...)

Fix:
    Declare the variables and outputs the message names, with the interface's types
    (`alchemesh components check --type TYPE` when the type cannot be told from the variables).
""")

UNDOCUMENTED = Rule("component-undocumented", Severity.WARNING, """A module variable has no type or description.

Why:
    A port's `config` sets these variables; the catalog and `validate` show their types and
    descriptions to the people writing that config.

Example:
    variable "retention_days" {}

Fix:
    Give the variable a `type` and a `description`.
""")

GUARD = Rule("component-guard", Severity.ERROR, """A component's `alchemesh_guard` output names no resource of the module.

Why:
    The plan guard stops a plan that deletes or replaces a resource holding a port's data, and says which consumer
    loses access when a grant goes; it knows those resources only from the module's declaration. A pattern that
    matches nothing (a typo, a renamed resource) guards nothing, silently.

Example:
    output "alchemesh_guard" {
      value = { data = ["null_resource.databse"] }   # the resource is `null_resource.database`
    }

Fix:
    Name the module's resources as `TYPE.NAME` (every instance of it), `*` for any run of characters, or
    `module.CALL.TYPE.NAME` for a resource of a module it calls, under `data` (they hold the port's data),
    `grants` (one instance per reader) or `schema` (they make the port's tables); the value must be a literal map
    of lists.
""")

RULES = (LAYOUT, HCL, INTERFACE, UNDOCUMENTED, GUARD)
