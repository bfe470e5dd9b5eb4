"""Measuring the writing: what editors kept (`stats.py`, from the audit and
call logs), side-by-side runs of models and styles (`evaluate.py`, scored by
`metrics.py` and ranked by the LLM judge of `judge.py`), the judge's agreement
with editors (`calibrate.py`), and the self-contained report (`report.py`)."""
