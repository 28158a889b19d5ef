"""Handlers that apply each event type to the fold's state (see fold.py)."""
