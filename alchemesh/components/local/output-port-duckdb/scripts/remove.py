"""Remove an output port's DuckDB file on destroy, then the folders left empty below `state_dir`.

Called by Terraform's destroy-time local-exec with one argument: a JSON document {path, state_dir}.
Standard library only. No shell is involved.
"""

import json
import os
import sys


def main() -> int:
    args = json.loads(sys.argv[1])
    path = args["path"]
    removed = []
    for candidate in (path, path + ".wal"):
        try:
            os.remove(candidate)
            removed.append(candidate)
        except FileNotFoundError:
            pass
    root = os.path.abspath(args["state_dir"])
    folder = os.path.dirname(os.path.abspath(path))
    while folder != root and folder.startswith(root + os.sep):
        try:
            os.rmdir(folder)  # only when empty
        except OSError:
            break
        folder = os.path.dirname(folder)
    print(f"output-port-duckdb: removed {', '.join(removed) if removed else f'nothing ({path} was already gone)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
