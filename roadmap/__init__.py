"""roadmap: plan the rollout of a corporate intranet portal.

Load → resolve → schedule → render. This package never prints, prompts or exits; ``cli.py``
does that.
"""

from __future__ import annotations

__version__ = "0.1.0"
