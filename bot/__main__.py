"""`python -m bot`: start the Discord bot."""

from bot.app import run_bot

raise SystemExit(run_bot())
