"""Write what Argo CD would apply for every environment, one file per resource, for checkov.

Usage: python .ci/checkov_inputs.py OUT [ROOT]

For each environment under ROOT/environments (not abstract): the umbrella chart's
rendered manifests and the Argo CD tree (root, project, Applications/ApplicationSets),
as OUT/<env>/<kind>-<namespace>-<name>.yaml. Workshop clusters render the same chart
with their own values; identical resources are written once.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import yaml

from labgen.env_files import available_environments
from labgen.helm_engine import EmbeddedHelm
from labgen.render import render_environment


def main(out: Path, root: Path) -> int:
    engine = EmbeddedHelm()
    for name in available_environments(root):
        rendered = render_environment(root, name, engine)
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        seen: set[str] = set()
        for doc in [*rendered.argocd, *rendered.manifests]:
            text = yaml.safe_dump(dict(doc.body), sort_keys=False)
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            stem = "-".join(p for p in (doc.kind.lower(), doc.namespace, doc.name) if p)
            path = folder / f"{stem}.yaml"
            if path.exists():
                path = folder / f"{stem}-{digest[:8]}.yaml"
            path.write_text(text, encoding="utf-8")
        print(f"{folder}: {len(seen)} resources")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else ".").resolve()))
