"""Time ``roadmap --help`` and check that it imports none of the heavy modules.

    .venv/bin/python benchmarks/bench_help.py          # best of 5, prints a Markdown table

Each run is a fresh process: the console script next to this interpreter when installed
(``.venv/bin/roadmap``), else ``python -c 'from cli import main; main()'``. The import check
runs the same entry point with ``-X importtime`` and reads every module it imported; it exits
with status 1 when plotly, networkx or pydantic is among them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("plotly", "networkx", "pydantic", "pydantic_core", "jinja2", "ruamel", "icalendar", "holidays")
"""Modules ``--help`` must not import (the first three are the issue's; the rest are heavy too)."""
FORBIDDEN = ("plotly", "networkx", "pydantic")


CHECKOUT = False
"""``--checkout``: run this checkout's cli.py rather than an installed console script."""


def command() -> list[str]:
    """How to start ``roadmap`` from this interpreter's environment."""
    if CHECKOUT:
        return [sys.executable, "-c", "from cli import main; main()"]
    script = Path(sys.executable).with_name("roadmap")
    if script.is_file():
        return [str(script)]
    found = shutil.which("roadmap")
    if found:
        return [found]
    return [sys.executable, "-c", "from cli import main; main()"]


def time_help(repeat: int) -> float:
    """Best wall time of ``roadmap --help`` over ``repeat`` fresh processes."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([*command(), "--help"], cwd=ROOT, capture_output=True, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def time_bare(repeat: int) -> float:
    """Best wall time of a bare ``python -c pass`` (issue 14: ``--help`` within 6× of it)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def imported_modules() -> tuple[set[str], list[tuple[int, str]]]:
    """Top-level packages imported by ``roadmap --help``, and its ten slowest imports (µs, nested ones too)."""
    code = "\n".join(
        [
            "import sys",
            "sys.argv = ['roadmap', '--help']",
            "from cli import main",
            "try: main()",
            "except SystemExit: pass",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    names: set[str] = set()
    costs: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        names.add(name.split(".")[0])
        costs.append((int(cumulative), name))
    return names, sorted(costs, reverse=True)[:10]


def main() -> None:
    """Print the table; exit 1 when a forbidden module is imported."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--checkout", action="store_true", help="time this checkout's cli.py, not the console script")
    args = parser.parse_args()
    global CHECKOUT
    CHECKOUT = args.checkout
    seconds = time_help(args.repeat)
    bare = time_bare(args.repeat)
    names, slowest = imported_modules()
    loaded = [m for m in HEAVY if m in names]
    print(f"| command | best of {args.repeat} | heavy modules imported |")
    print("|---|---:|---|")
    print(f"| `roadmap --help` | {seconds * 1000:.0f} ms | {', '.join(loaded) or 'none'} |")
    print(f"| `python -c pass` | {bare * 1000:.0f} ms | ratio {seconds / bare:.1f}× (target ≤ 6×) |")
    print()
    print("Slowest imports (cumulative, nested ones included):")
    for micros, name in slowest:
        print(f"  {micros / 1000:7.1f} ms  {name.strip()}")
    bad = [m for m in FORBIDDEN if m in names]
    if bad:
        print(f"FAIL: roadmap --help imports {', '.join(bad)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
