"""Dedup: fold lines to keys and n-gram fingerprints, cluster exact and near duplicates, and check
the final records for leaks between splits. Every stage here keeps integers, never texts."""
