"""``python -m dataqa`` runs the CLI."""

from dataqa.cli.main import main

main()
