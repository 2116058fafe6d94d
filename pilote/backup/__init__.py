"""The instance backup: every table and the attachment files in one portable archive.

`backup` writes it, `restore` loads it into an empty (or, when asked, emptied) database, on
SQLite or PostgreSQL whichever wrote it. See docs/exploitation.md.
"""
