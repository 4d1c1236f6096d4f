"""Dedup: fold lines to keys and n-gram fingerprints, cluster exact and near duplicates, group the
pairs that must share a split, and check the written records for leaks between splits. The main
process keeps integers here, never texts."""
