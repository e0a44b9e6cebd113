"""`chroma run` on a free loopback port for `make bench-scale`, with its peak RSS."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


class ChromaServer:
    """`chroma run` on a free loopback port, data in ``path``; ``peak_mb`` is its VmHWM."""

    def __init__(self, path: Path) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        import urllib.request

        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma run did not start on {self.url}")

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
