"""The dataqa command line."""
