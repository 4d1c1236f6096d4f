"""Quality: how casual a zh line reads (the register score) and whether a pair is a usable
translation (the bitext filters). Both judge; neither changes text."""
