"""The engine: runs batch functions inline or in worker processes, and moves batches between the
passes (spool, parcels, cache). It knows nothing of recipes, annotation or dedup: the pipeline
hands it plain functions over a batch."""
