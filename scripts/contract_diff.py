"""Compare a contract report from LinkedIn with the sandbox's answers to the same calls.

    python scripts/contract_diff.py contract-report.json

The report is what `pytest tests/contract` wrote when run against LinkedIn (docs/contract.md).
This starts a sandbox, makes the same calls as the same kind of author (member or page) with
the same LinkedIn-Version, and prints every difference, one line each. Exit 0 when there is
none, 1 when there are some, 2 when the report cannot be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.contract import probes


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python scripts/contract_diff.py REPORT.json", file=sys.stderr)
        return 2
    try:
        linkedin = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        kind, version = linkedin["kind"], linkedin["version"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"Error: {argv[0]} is not a contract report: {error}", file=sys.stderr)
        return 2
    with probes.sandbox_target(kind, version) as target:
        sandbox = probes.run_all(target)
    differences = probes.compare(linkedin, sandbox)
    for line in differences:
        print(line)
    count = len(differences)
    noun = "difference" if count == 1 else "differences"
    print(f"{count} {noun} between LinkedIn and the sandbox ({kind}, version {version})")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
