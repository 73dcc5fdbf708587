"""Transcript JSONL: reading it, storing it, its git commits and time model, and the archive of
every line read.
"""
