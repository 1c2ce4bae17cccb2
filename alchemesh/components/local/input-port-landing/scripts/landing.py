"""Create the landing folder of an input port if it is missing.

Called by Terraform's local-exec with one argument: a JSON document {path, domain, product, port}.
No shell is involved, so the values reach this script exactly as the specs wrote them.
"""

import json
import os
import sys


def main() -> int:
    args = json.loads(sys.argv[1])
    where = f"input port `{args['port']}` of {args['domain']}/{args['product']}"
    path = args["path"]
    if not path:
        print(f"input-port-landing: {where} has no folder: set `config.path`, or give the port "
              "`source: {system: ...}` to use <base_dir>/data/<system>", file=sys.stderr)
        return 1
    if os.path.exists(path) and not os.path.isdir(path):
        print(f"input-port-landing: {where}: {path} exists and is not a folder", file=sys.stderr)
        return 1
    os.makedirs(path, exist_ok=True)
    files = sorted(name for name in os.listdir(path) if not name.startswith("."))
    print(f"input-port-landing: {where} lands in {path} ({len(files)} file(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
