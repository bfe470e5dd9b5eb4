"""satire: satirical tech-news blogs written by LLMs from editors' briefs.

Kept import-free so that `satire --help` stays fast; the public surface lives
in the modules named in STYLE.md (config, brief, drafts, ...).
"""

__version__ = "0.1.0"
