"""Checking: claims a draft makes that its brief does not back.

factcheck.py     numbers, dates, names, quotes and evidence against the brief
lexicon.py       the words the fact check folds and compares (numbers, months, titles)
translations.py  quotes given in another language, judged by the LLM
stylecheck.py    the style's own advisory rules
marks.py         findings marked in the text for a reader (the desk, the eval report)
"""
