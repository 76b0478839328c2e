"""claimbot's engine: articles in, sourced statements out. Never imports discord.

Names are imported lazily so that ``import claims_db.models`` (or any single
stage) does not pull in storage, fetching and search.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claims_db.db import ClaimsDB, IngestReport
    from claims_db.errors import (
        ClaimsError,
        CorruptLibrary,
        EmptyInput,
        FetchFailed,
        InputTooLarge,
        LibraryInUse,
        NotFound,
        UnsafeURL,
        UnsupportedFile,
    )
    from claims_db.models import Answer, Article, Explained, Kind, Speaker, Statement

_HOMES = {
    "ClaimsDB": "claims_db.db",
    "IngestReport": "claims_db.db",
    "Answer": "claims_db.models",
    "Article": "claims_db.models",
    "Explained": "claims_db.models",
    "Kind": "claims_db.models",
    "Speaker": "claims_db.models",
    "Statement": "claims_db.models",
    **{
        name: "claims_db.errors"
        for name in (
            "ClaimsError",
            "CorruptLibrary",
            "EmptyInput",
            "FetchFailed",
            "InputTooLarge",
            "LibraryInUse",
            "NotFound",
            "UnsafeURL",
            "UnsupportedFile",
        )
    },
}

__all__ = [
    "Answer",
    "Article",
    "ClaimsDB",
    "ClaimsError",
    "CorruptLibrary",
    "EmptyInput",
    "Explained",
    "FetchFailed",
    "IngestReport",
    "InputTooLarge",
    "Kind",
    "LibraryInUse",
    "NotFound",
    "Speaker",
    "Statement",
    "UnsafeURL",
    "UnsupportedFile",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'claims_db' has no attribute {name!r}")
    return getattr(import_module(home), name)
