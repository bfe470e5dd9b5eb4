"""Writing: a brief, a style and a backend become a draft.

prompts.py       the Jinja prompt templates, rendered in a sandbox, brief data fenced as untrusted
article.py       the article a writer hands back, its JSON schema and tolerant parser; `Work`
compose.py       one brief to one draft (write, revise, and the self-check rounds)
batch.py         many briefs at once: plan, budget, workers, progress
translations.py  translated quotes judged by the LLM for the fact check
offline.py       the deterministic writer from the brief and the style's phrasebook
backend.py       `get_backend`: the project's writer (openai or offline) with cache and call log
"""
