"""Verdict exports: the rows (query), their formats (csv, jsonl, claimreview, webannotation) and export jobs.

Every format reads the same rows from `query.py`, so a filter or an `as_of`
instant means the same thing whatever the format.
"""
