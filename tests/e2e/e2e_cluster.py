"""Real etcd and kube-apiserver processes on 127.0.0.1, for the e2e tests.

One etcd serves every API server; each API server is a cluster of its own
(its own ``--etcd-prefix``), so environments never see each other's objects.
Credentials are made fresh in a temporary folder: a CA and a serving certificate
(openssl) and a service-account key pair, shared; a static token with
``system:masters`` per API server, so a client can only ever be answered by its own
server (a port taken by another one is refused with 401, never served).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from e2e_toolchain import find_binary
from kube_api import KubeApi

ENVIRONMENTS = ("oke", "kind", "workshop")


def require_binary(name: str) -> Path:
    """The cached binary ``name``; skip (or fail under LABGEN_E2E=required) when absent."""
    path = find_binary(name)
    if path is not None:
        return path
    reason = (f"e2e: no {name} binary built from the pinned Go modules "
              "(run: python tests/e2e/build_tools.py)")
    if os.environ.get("LABGEN_E2E") == "required":
        pytest.fail(reason + "; LABGEN_E2E=required", pytrace=False)
    pytest.skip(reason)


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports free on 127.0.0.1 now (all held open while they are picked:
    one closed at once could be handed out again). Another process may still take one
    before its server binds it; :func:`start_apiserver`'s caller starts that one again."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@dataclass(frozen=True)
class Credentials:
    folder: Path

    @property
    def ca(self) -> Path:
        return self.folder / "ca.crt"

    @classmethod
    def create(cls, folder: Path) -> Credentials:
        """CA, serving certificate for 127.0.0.1/localhost, SA key pair."""
        folder.mkdir(parents=True, exist_ok=True)
        ca_key, ca, key, csr, cert = (folder / n for n in
                                      ("ca.key", "ca.crt", "server.key", "server.csr", "server.crt"))
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out",
                 str(ca), "-days", "1", "-subj", "/CN=labgen-e2e-ca")
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
                 "-subj", "/CN=kube-apiserver")
        extensions = folder / "san.ext"
        extensions.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n"
                              "extendedKeyUsage=serverAuth\n")
        _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
                 "-CAcreateserial", "-out", str(cert), "-days", "1", "-extfile", str(extensions))
        _openssl("genrsa", "-out", str(folder / "sa.key"), "2048")
        _openssl("rsa", "-in", str(folder / "sa.key"), "-pubout", "-out", str(folder / "sa.pub"))
        return cls(folder)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        stop_all([self])

    def tail(self, lines: int = 20) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def stop_all(processes: list[Process], timeout: float = 20) -> None:
    """Ask every process to end at once (SIGTERM), then wait for each; kill what lingers."""
    running = [p for p in processes if p.popen.poll() is None]
    for process in running:
        process.popen.terminate()
    deadline = time.monotonic() + timeout
    for process in running:
        try:
            process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait()


#: The Go runtime's collector for etcd and the API servers: a collection when the heap has
#: grown fivefold (GOGC=400, Go's default is 100) or nears 1 GiB. Installing the Istio and
#: Argo CD CRDs is most of a server's work and allocates heavily; measured on 3 servers
#: (apply both CRD sets, wait Established), this cut their CPU from 19-22 to 13-16 s, and
#: tests/e2e/test_apiserver.py alone from 93-98 to 78-84 CPU-s. Memory: about 1 GiB per
#: server instead of 0.55.
GO_RUNTIME: dict[str, str] = {"GOGC": "400", "GOMEMLIMIT": "1GiB"}


def start(name: str, command: list[str], folder: Path) -> Process:
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, env={**os.environ, **GO_RUNTIME})
    return Process(name, popen, log)


def start_etcd(binary: Path, folder: Path) -> tuple[Process, str]:
    client, peer = free_ports(2)
    url = f"http://127.0.0.1:{client}"
    process = start("etcd", [
        str(binary), "--name=e2e", f"--data-dir={folder / 'etcd'}",
        f"--listen-client-urls={url}", f"--advertise-client-urls={url}",
        f"--listen-peer-urls=http://127.0.0.1:{peer}",
        f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
        f"--initial-cluster=e2e=http://127.0.0.1:{peer}",
        "--unsafe-no-fsync", "--log-level=warn",
    ], folder)
    return process, url


@dataclass
class Cluster:
    """One kube-apiserver (a cluster of its own in etcd) and a client for it."""

    name: str
    process: Process
    api: KubeApi
    started: float = field(default_factory=time.monotonic)
    #: Seconds from start to /readyz ok (set by the fixture).
    ready_after: float = 0.0


def start_apiserver(binary: Path, name: str, etcd_url: str, creds: Credentials,
                    folder: Path, port: int) -> Cluster:
    work = folder / name
    work.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)  # this server's alone: see the module docstring
    tokens = work / "tokens.csv"
    tokens.write_text(f'{token},labgen-e2e,labgen-e2e,"system:masters"\n')
    process = start(f"kube-apiserver-{name}", [
        str(binary), "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
        f"--secure-port={port}", f"--etcd-servers={etcd_url}", f"--etcd-prefix=/{name}",
        f"--cert-dir={work}", f"--tls-cert-file={creds.folder / 'server.crt'}",
        f"--tls-private-key-file={creds.folder / 'server.key'}",
        f"--token-auth-file={tokens}", "--authorization-mode=Node,RBAC",
        f"--service-account-key-file={creds.folder / 'sa.pub'}",
        f"--service-account-signing-key-file={creds.folder / 'sa.key'}",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-cluster-ip-range=10.96.0.0/16", "--profiling=false", "--v=0",
    ], folder)
    api = KubeApi(f"https://127.0.0.1:{port}", token, str(creds.ca))
    return Cluster(name, process, api)


#: What kube-apiserver logs when its port was taken between picking and binding it.
PORT_TAKEN = "address already in use"


def wait_started(cluster: Cluster, timeout: float) -> None:
    """Wait for the cluster's own API server to be ready; RuntimeError, with its log's
    tail, as soon as the process has exited."""
    try:
        cluster.api.wait_ready(timeout=timeout,
                               alive=lambda: cluster.process.popen.poll() is None)
    except (TimeoutError, RuntimeError) as error:
        raise RuntimeError(f"{cluster.name}: {error}\n{cluster.process.tail()}") from None


def start_ready(binary: Path, name: str, etcd_url: str, creds: Credentials, folder: Path,
                port: int, started: list[Cluster], attempts: int = 3) -> Cluster:
    """An API server ready on ``port``, or on another one when that port was taken before
    the server bound it; every server started is added to ``started`` (to be stopped)."""
    for attempt in range(attempts):
        cluster = start_apiserver(binary, name, etcd_url, creds, folder,
                                  port if attempt == 0 else free_ports(1)[0])
        started.append(cluster)
        try:
            wait_started(cluster, timeout=180)
            return cluster
        except RuntimeError as error:
            if PORT_TAKEN not in str(error) or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


StartClusters = Callable[[list[str], Collection[str]], dict[str, Cluster]]

T = TypeVar("T")
R = TypeVar("R")


def each_cluster(work: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``work`` on every item at once, one thread each (items are clusters or hold one: each
    thread talks to its own API server, which does the work), results in item order; the
    first failure, in that order, is raised."""
    items = list(items)
    with ThreadPoolExecutor(max_workers=max(1, len(items))) as pool:
        return list(pool.map(work, items))
