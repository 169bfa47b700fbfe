"""The runnable blocks of docs/deployment.md: a fenced block right after a
`<!-- tested: NAME -->` marker. Tests run them exactly as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deployment.md"
BLOCK = re.compile(r"<!-- tested: ([a-z-]+) -->\n```bash\n(.*?)\n```", re.S)


def blocks() -> dict[str, str]:
    return dict(BLOCK.findall(GUIDE.read_text(encoding="utf-8")))


def block(name: str) -> str:
    found = blocks()
    assert name in found, f"docs/deployment.md has no tested block '{name}'"
    return found[name]


def environment(**extra: str) -> dict[str, str]:
    """The guide assumes the virtual environment's bin on the PATH."""
    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}", **extra}


def run(name: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", block(name)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr[-3000:]}"
    return result


def start(name: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A long-running block (a server) in its own process group."""
    with log.open("wb") as out:
        return subprocess.Popen(["bash", "-euo", "pipefail", "-c", "exec " + block(name)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
