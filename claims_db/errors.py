"""Errors the engine raises; each message is written for the person who typed the command."""

from __future__ import annotations


class ClaimsError(Exception):
    """Base of every error the engine reports to a user."""


class UnsafeURL(ClaimsError):
    """A URL that claimbot refuses to fetch (scheme, private address, ...)."""


class FetchFailed(ClaimsError):
    """A URL that could not be fetched or did not give an article."""


class InputTooLarge(ClaimsError):
    """Text, file or download larger than the configured cap."""


class UnsupportedFile(ClaimsError):
    """A file type or content claimbot cannot read (binary, unknown extension)."""


class EmptyInput(ClaimsError):
    """Input that holds no text to extract from."""


class CorruptLibrary(ClaimsError):
    """A library file that does not parse or has an unknown schema version."""


class LibraryInUse(ClaimsError):
    """A library file already opened by another process."""


class NotFound(ClaimsError):
    """An article or speaker that is not in the library."""


class DatabaseUnavailable(ClaimsError):
    """The PostgreSQL database (CLAIMBOT_DATABASE_URL) cannot be reached."""


class SchemaMismatch(ClaimsError):
    """The database's schema version is not the one this claimbot was written for."""
