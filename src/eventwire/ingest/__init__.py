"""Sources -> Documents. Importing this package registers every reader in :data:`files.READERS`."""
from eventwire.ingest import files  # noqa: F401  (registers txt, html, jsonl readers)
from eventwire.ingest.files import DEFAULT_MAX_BYTES, iter_documents

__all__ = ["iter_documents", "DEFAULT_MAX_BYTES"]
