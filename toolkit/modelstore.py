"""Model directories: written atomically, checked before they are unpickled.

A model directory holds ``model.joblib`` (the artifact) and ``manifest.json``
(kind, format, versions, parameters, data hashes, metrics and the artifact's
sha256). The artifact holds only plain Python values (arrays as bytes), never
scikit-learn objects, so it does not depend on the scikit-learn version that
trained it. It is written with ``joblib.dump`` and, being a plain pickle, read
with :mod:`pickle` after its sha256 has been checked, which keeps ``joblib``'s
import (about 70 ms) off the prediction path.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.errors import ModelError

ARTIFACT = "model.joblib"
MANIFEST = "manifest.json"


def default_model_dir(kind: str) -> Path:
    """The shipped model of ``kind`` ("classifier" or "ranker"), wherever toolkit is installed."""
    try:
        import toolkit.models  # installed (wheel or editable): models/ is this package

        return Path(toolkit.models.__path__[0]) / kind
    except ModuleNotFoundError:
        # Imported from a source checkout (not installed): models/ sits beside toolkit/.
        return Path(__file__).resolve().parent.parent / "models" / kind


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def versions() -> dict[str, str]:
    """Versions of toolkit, scikit-learn, numpy and Python, for manifests."""
    import platform
    from importlib.metadata import version

    return {
        "toolkit": __version__,
        "scikit-learn": version("scikit-learn"),
        "numpy": version("numpy"),
        "python": platform.python_version(),
    }


def save_model_dir(out_dir: str | Path, artifact: dict[str, Any], manifest: dict[str, Any]) -> Path:
    """Write a model directory atomically: a failed run leaves any old model untouched.

    The new model is written into a temporary sibling directory and swapped in
    with renames only once it is complete.
    """
    import shutil
    import tempfile

    import joblib

    out = Path(out_dir)
    if out.exists() and not (out.is_dir() and ((out / MANIFEST).is_file() or not any(out.iterdir()))):
        # Only a model directory (or an empty one) may be replaced: never a user's other files.
        raise ModelError(f"{out}: exists and is not a model directory; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        joblib.dump(artifact, tmp / ARTIFACT)
        data = (tmp / ARTIFACT).read_bytes()
        manifest = {**manifest, "artifact": ARTIFACT, "artifact_sha256": sha256_bytes(data)}
        with open(tmp / MANIFEST, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=2, sort_keys=True)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def read_manifest(model_dir: str | Path) -> dict[str, Any]:
    """The manifest of a model directory, with one-line errors."""
    path = Path(model_dir) / MANIFEST
    if not Path(model_dir).is_dir():
        raise ModelError(f"{model_dir}: no model directory here")
    try:
        with open(path, encoding="utf-8") as fh:
            manifest = json.load(fh)
    except FileNotFoundError:
        raise ModelError(f"{model_dir}: not a model directory (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: unreadable manifest ({exc})") from None
    if not isinstance(manifest, dict):
        raise ModelError(f"{path}: unreadable manifest")
    return manifest


def load_model_dir(model_dir: str | Path, kind: str, fmt: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Load and verify a model directory; returns (artifact, manifest).

    Refuses a directory of another kind, another artifact format, or whose
    artifact does not match the sha256 in its manifest, before unpickling.
    """
    manifest = read_manifest(model_dir)
    retrain = "retrain it with `toolkit train`" if kind == "classifier" else (
        "retrain it with `toolkit train-summarizer`"
    )
    if manifest.get("kind") != kind:
        raise ModelError(f"{model_dir}: this is not a {kind} model (kind: {manifest.get('kind')!r})")
    if manifest.get("format") != fmt:
        raise ModelError(
            f"{model_dir}: model format {manifest.get('format')!r} was written by toolkit "
            f"{manifest.get('versions', {}).get('toolkit', '?')}; this toolkit reads format {fmt}: {retrain}"
        )
    path = Path(model_dir) / str(manifest.get("artifact", ARTIFACT))
    try:
        data = path.read_bytes()
    except OSError:
        raise ModelError(f"{model_dir}: model file {path.name} is missing: {retrain}") from None
    if sha256_bytes(data) != manifest.get("artifact_sha256"):
        raise ModelError(
            f"{path}: sha256 does not match the manifest; the file is corrupt or was changed, "
            f"so it will not be loaded: {retrain}"
        )
    try:
        artifact = pickle.loads(data)
    except Exception as exc:  # a hash-verified but unreadable pickle: still one line
        raise ModelError(f"{path}: cannot read the model ({exc}): {retrain}") from None
    if not isinstance(artifact, dict):
        raise ModelError(f"{path}: not a toolkit model: {retrain}")
    return artifact, manifest
