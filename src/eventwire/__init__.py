"""eventwire: turn news into political event data.

Documents (files, URLs, feeds, WARC archives) become clean articles with provenance, entities, places,
dates, quotes and CAMEO/PLOVER-coded events, stored in DuckDB. See README.md for the command line.
"""
__version__ = "0.1.0"
