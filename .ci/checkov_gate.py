"""Fail unless checkov reports no failed check and every skip carries a reason.

Usage: checkov -d DIR --framework kubernetes -o json | python .ci/checkov_gate.py NAME
Prints one line: NAME: passed P, failed F, skipped S (and each failure or bare skip).
"""

from __future__ import annotations

import json
import sys


def main(name: str) -> int:
    report = json.load(sys.stdin)
    reports = report if isinstance(report, list) else [report]
    passed = failed = skipped = 0
    problems: list[str] = []
    for item in reports:
        results = item.get("results", {})
        passed += len(results.get("passed_checks", []))
        for check in results.get("failed_checks", []):
            failed += 1
            problems.append(f"  failed {check['check_id']} {check['resource']} ({check['file_path']})")
        for check in results.get("skipped_checks", []):
            skipped += 1
            if not str(check.get("check_result", {}).get("suppress_comment", "")).strip():
                problems.append(f"  skipped without a reason: {check['check_id']} {check['resource']}")
        problems.extend(f"  parsing error: {path}" for path in results.get("parsing_errors", []))
    print(f"{name}: passed {passed}, failed {failed}, skipped {skipped}")
    print("\n".join(problems), file=sys.stderr) if problems else None
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
