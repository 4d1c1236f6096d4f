"""Text rules shared by every stage: which characters are Chinese, the language of a line, and
normalisation of a raw pair."""
