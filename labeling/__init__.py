"""Labeling: the fixed baseline, cleanlab noise finder, Label Studio round trip."""
