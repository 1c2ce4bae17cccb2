"""Typed models of what the repo declares."""
