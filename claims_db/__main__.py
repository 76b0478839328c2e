"""``python -m claims_db`` runs the CLI."""

from claims_db.cli import main

raise SystemExit(main())
