"""satire: satirical tech-news blogs written by LLMs from editors' briefs.

Kept import-free so that `satire --help` stays fast; the public surface lives
in the stage packages and the documents they pass on (config, brief, drafts, ...;
the map is in docs/development.md).
"""

__version__ = "0.1.0"
