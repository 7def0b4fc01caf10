"""Sources -> Documents. Importing this package registers every reader in :data:`base.READERS`:
plain text, HTML, JSON Lines (:mod:`files`), WARC (:mod:`warc`), RSS/Atom/JSON Feed (:mod:`feeds`);
URLs are read by :mod:`http`."""
from eventwire.ingest import feeds, files, warc  # noqa: F401  (importing registers the readers)
from eventwire.ingest.base import DEFAULT_MAX_BYTES
from eventwire.ingest.files import iter_documents

__all__ = ["iter_documents", "DEFAULT_MAX_BYTES"]
