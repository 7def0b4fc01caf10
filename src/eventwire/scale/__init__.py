"""Runners beyond one machine's process pool: input shards, Parquet parts, and the Dask runner.

* :mod:`eventwire.scale.shards`: input files grouped into shards (the unit of work and of resume).
* :mod:`eventwire.scale.parts`: a shard's results as Parquet files, merged into DuckDB.
* :mod:`eventwire.scale.dask_runner`: ``eventwire run --cluster dask[://SCHEDULER]``.

The stages are the same as in a local run (:func:`eventwire.pipeline.process_batch`); only where they
run and how results travel differ. See docs/scale.md.
"""
