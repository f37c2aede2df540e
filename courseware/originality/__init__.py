"""Originality and citation checks of essays against the set readings and other students' essays.

- ``text``: normalisation (case, punctuation, curly quotes, dashes, whitespace) with a map back to
  the original offsets; an essay's quotations and citations.
- ``index``: word shingles, MinHash LSH (datasketch) over windows of the readings, LSH band keys
  for the peer index in the database, to find candidates without comparing against
  everything; exact shingle tables for short quotations and lightly edited passages.
- ``align``: word-by-word alignment of an essay with a candidate (rapidfuzz).
- ``check``: the classification of each matched span and the score.

No Django here: ``courseware.services.originality`` reads the database, runs ``check_essay`` and
stores the report.
"""
