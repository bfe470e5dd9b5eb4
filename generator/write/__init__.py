"""Writing: a brief, a style and a backend become a draft.

prompts.py  the Jinja prompt templates, rendered in a sandbox, brief data fenced as untrusted
article.py  the article a writer hands back, its JSON schema and tolerant parser
compose.py  one brief to one draft (write, revise, and the self-check rounds)
batch.py    many briefs at once: plan, budget, workers, progress
"""
