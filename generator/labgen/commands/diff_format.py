"""``labgen diff`` as text for a terminal or as markdown for a pull request."""

from __future__ import annotations

from ..manifest_diff import MARKS, Change, counts
from ..results import DiffReport
from ..traffic_diff import participants_label


def _title(change: Change) -> str:
    """``~ KEY (changed)``, and which participants share it."""
    where = f" in {participants_label(list(change.participants))}" if change.participants else ""
    return f"{MARKS[change.status]} {change.key} ({change.status}){where}"


def _summary(changes: tuple[Change, ...]) -> str:
    files = [c.key for c in changes if c.what == "file"]
    listing = f"; files changed: {', '.join(files)}" if files else ""
    return f"resources: {counts(list(changes))}{listing}"


def text(report: DiffReport) -> str:
    out = [f"labgen diff {report.env}: {report.title}", "", "Traffic:"]
    out += [f"  {line}" for change in report.traffic for line in change.lines()]
    out += ["", f"Rendered manifests ({_summary(report.changes)}):" if report.changes
            else "Rendered manifests: no change"]
    for change in report.changes:
        out += ["", _title(change), *change.diff]
    return "\n".join(out) + "\n"


def markdown(report: DiffReport) -> str:
    out = [f"### labgen diff: `{report.env}`", "", f"`{report.title}`", "", "**Traffic**", ""]
    out += [f"- {line}" for change in report.traffic for line in change.lines()]
    pies: set[str] = set()
    for split in report.traffic:
        pie = split.mermaid()
        if pie and split.changed and pie not in pies:  # one pie per distinct new split
            pies.add(pie)
            where = f" of {split.where.rstrip(': ')}" if split.where else ""
            out += ["", f"New split{where}:", "", "```mermaid", pie, "```"]
    out += ["", f"**Rendered manifests**: {_summary(report.changes)}" if report.changes
            else "**Rendered manifests**: no change"]
    for change in report.changes:
        body = "\n".join(change.diff)
        fence = "```"
        while fence in body:
            fence += "`"
        where = (f" in {participants_label(list(change.participants))}"
                 if change.participants else "")
        out += ["", f"<details><summary>{MARKS[change.status]} <code>{change.key}</code> "
                f"({change.status}){where}</summary>", "", f"{fence}diff", body, fence, "",
                "</details>"]
    return "\n".join(out) + "\n"
