"""Benchmarks for twcasual (not tests: nothing here asserts speed)."""
