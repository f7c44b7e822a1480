"""Download the registered real datasets, verified by SHA-256 and written atomically.

``fetch_dataset(name, to)`` puts every file of dataset ``name`` (see
:mod:`retrench.data.fetch_registry`) into ``to/<name>/``. Each file is streamed into a temporary
file in that same folder, fsynced, checked against the registered size and SHA-256, and only then
moved into place with :func:`os.replace`; any failure (HTTP error, dropped connection, short
read, timeout, checksum mismatch, Ctrl-C) removes the temporary file, so a target is either
absent, left as it was, or complete and verified. A file already present with the right checksum
is not downloaded again.

Sources: byte-identical upstream copies come from their raw GitHub URL at the pinned commit.
Converted files (``.dta``/``.xls`` → CSV, derived tables) exist only in the project's data folder,
so they need a mirror laid out like ``shared/data``: ``{base_url}/{dataset}/{file}``, given as
``base_url`` or in the environment variable ``RETRENCH_MIRROR`` (an ``http(s)://`` or ``file://``
URL, or a local folder). A mirror, when given, serves every file of the dataset.

HTTP goes through :mod:`urllib.request` only.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from retrench.data.fetch_registry import (
    DATASETS,
    RegisteredDataset,
    RegisteredFile,
    dataset_names,
)
from retrench.errors import DataError

__all__ = [
    "MIRROR_ENV",
    "RECEIPT_NAME",
    "fetch_dataset",
    "file_url",
    "get_dataset",
    "mirror_base_url",
    "sha256_of_file",
]

MIRROR_ENV = "RETRENCH_MIRROR"
"""Environment variable holding the default mirror base URL (used when ``base_url`` is None)."""

RECEIPT_NAME = "FETCHED.json"
"""Receipt written into ``to/<name>/`` after a successful fetch (URLs, sizes, checksums)."""

DEFAULT_TIMEOUT_S = 60.0
_CHUNK_BYTES = 1 << 16
_USER_AGENT = "retrench-data-fetch (+urllib)"


def get_dataset(name: str) -> RegisteredDataset:
    """Registry entry of dataset ``name``; DataError listing the valid names if unknown."""
    if not isinstance(name, str) or name not in DATASETS:
        raise DataError(f"unknown dataset {name!r}; valid names are: {', '.join(dataset_names())}")
    return DATASETS[name]


def mirror_base_url(base_url: str | os.PathLike[str] | None) -> str | None:
    """The mirror base URL to use: ``base_url``, else ``$RETRENCH_MIRROR``, else None.

    A local folder is turned into a ``file://`` URL. Anything else must be an ``http://``,
    ``https://`` or ``file://`` URL.
    """
    raw = base_url if base_url is not None else os.environ.get(MIRROR_ENV) or None
    if raw is None:
        return None
    text = os.fspath(raw).strip()
    if Path(text).is_dir():
        return Path(text).resolve().as_uri()
    if urllib.parse.urlsplit(text).scheme not in {"http", "https", "file"}:
        source = "base_url" if base_url is not None else f"${MIRROR_ENV}"
        raise DataError(
            f"{source}={text!r} is neither an existing folder nor an http(s):// or file:// URL "
            "of a mirror laid out like shared/data ({base_url}/{dataset}/{file})"
        )
    return text.rstrip("/")


def file_url(dataset: str, entry: RegisteredFile, mirror: str | None) -> str | None:
    """URL of one file: ``{mirror}/{dataset}/{file}`` if a mirror is set, else its source URL."""
    if mirror is not None:
        return f"{mirror}/{urllib.parse.quote(dataset)}/{urllib.parse.quote(entry.filename)}"
    return entry.source_url


def fetch_dataset(
    name: str,
    to: str | os.PathLike[str],
    *,
    base_url: str | os.PathLike[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    progress: bool = True,
    time_limit: float | None = None,
) -> Path:
    """Download every file of dataset ``name`` into ``to/<name>/`` and return that folder.

    Parameters
    ----------
    name : one of :func:`retrench.data.fetch_registry.dataset_names`.
    to : parent folder; ``to/<name>/`` is created if needed.
    base_url : mirror laid out like ``shared/data`` (``{base_url}/{name}/{file}``); defaults to
        ``$RETRENCH_MIRROR``; without either, files come from their pinned upstream URLs.
    timeout : seconds allowed for connecting and for each read from the socket.
    progress : show a ``rich.progress`` bar.
    time_limit : overall seconds allowed for the whole fetch (None: no limit); a server that
        trickles bytes is stopped there with a DataError.

    A failed fetch leaves no ``.part`` file and no dataset folder it created empty; ``.part``
    files a killed earlier fetch left are removed first.

    Raises
    ------
    DataError : unknown name; a converted file and no mirror (raised before any download);
        HTTP error; dropped connection or short read; timeout; size or SHA-256 mismatch. The
        message names the dataset, the file and the URL. No partial file is left behind.
    """
    dataset = get_dataset(name)
    if not timeout > 0:
        raise DataError(f"timeout must be a positive number of seconds (got {timeout!r})")
    mirror = mirror_base_url(base_url)
    _refuse_conversions_without_mirror(dataset, mirror)
    if time_limit is not None and not time_limit > 0:
        raise DataError(f"time limit must be a positive number of seconds (got {time_limit!r})")
    deadline = None if time_limit is None else time.monotonic() + float(time_limit)
    target_dir = Path(to).expanduser() / dataset.name
    created = not target_dir.exists()
    target_dir.mkdir(parents=True, exist_ok=True)
    for leftover in target_dir.glob(".*.part"):
        leftover.unlink(missing_ok=True)
    try:
        return _fetch_files(dataset, target_dir, mirror, timeout, progress, deadline, time_limit)
    except BaseException:
        if created and target_dir.is_dir() and not any(target_dir.iterdir()):
            target_dir.rmdir()
        raise


def _fetch_files(
    dataset: RegisteredDataset,
    target_dir: Path,
    mirror: str | None,
    timeout: float,
    progress: bool,
    deadline: float | None,
    time_limit: float | None,
) -> Path:
    """Download (or find present) every file of ``dataset`` into ``target_dir``; the receipt."""
    receipt: list[dict[str, object]] = []
    with _progress_bar(progress) as add_task:
        for entry in dataset.files:
            url = file_url(dataset.name, entry, mirror)
            if url is None:  # unreachable: _refuse_conversions_without_mirror checked it
                raise DataError(f"no source URL for {dataset.name}/{entry.filename}")
            advance = add_task(entry.filename, entry.size)
            target = target_dir / entry.filename
            if _matches_registry(target, entry):
                advance(entry.size)
                status = "already present"
            else:
                limited = _limited(
                    advance, deadline, time_limit, f"{dataset.name}/{entry.filename}"
                )
                _download_verified(dataset.name, entry, url, target, timeout, limited)
                status = "downloaded"
            receipt.append(
                {
                    "filename": entry.filename,
                    "url": url,
                    "size": entry.size,
                    "sha256": entry.sha256,
                    "status": status,
                }
            )
    _write_receipt(target_dir, dataset, mirror, receipt)
    return target_dir


def _limited(
    advance: Callable[[int], None], deadline: float | None, limit: float | None, what: str
) -> Callable[[int], None]:
    """``advance`` that raises DataError once the overall ``deadline`` has passed."""
    if deadline is None:
        return advance
    received = [0]

    def step(n: int) -> None:
        received[0] += n
        advance(n)
        if time.monotonic() > deadline:
            raise DataError(
                f"fetch of {what} stopped: the overall time limit of {limit:g} s passed after "
                f"{received[0]} bytes (raise --time-limit, or use a faster mirror)"
            )

    return step


def _refuse_conversions_without_mirror(dataset: RegisteredDataset, mirror: str | None) -> None:
    """DataError before any download if a file is a conversion and no mirror is configured."""
    if mirror is not None:
        return
    converted = [entry for entry in dataset.files if entry.needs_conversion]
    if not converted:
        return
    details = "; ".join(
        f"{entry.filename}: {entry.conversion} (upstream: {entry.upstream_url})"
        for entry in converted
    )
    raise DataError(
        f"dataset {dataset.name!r}: conversion required, nothing was downloaded. "
        f"{len(converted)} file(s) are conversions of the upstream data, not byte-identical "
        f"copies, so they cannot be fetched from the source: {details}. Pass base_url= (CLI: "
        f"set ${MIRROR_ENV}) to a mirror laid out like shared/data ({{base_url}}/{dataset.name}/"
        "{file}), or redo the conversion described in the dataset's PROVENANCE.md."
    )


def sha256_of_file(path: Path) -> str:
    """Hex SHA-256 of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _matches_registry(path: Path, entry: RegisteredFile) -> bool:
    """True when ``path`` is a file with the registered size and SHA-256."""
    return (
        path.is_file()
        and path.stat().st_size == entry.size
        and sha256_of_file(path) == entry.sha256
    )


def _download_verified(
    dataset: str,
    entry: RegisteredFile,
    url: str,
    target: Path,
    timeout: float,
    advance: Callable[[int], None],
) -> None:
    """Stream ``url`` into a temp file next to ``target``, verify it, then ``os.replace`` it."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed on failure
        mode="wb", dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
    )
    temp_path = Path(handle.name)
    try:
        with handle:
            received, digest = _stream_into(dataset, entry, url, handle, timeout, advance)
            handle.flush()
            os.fsync(handle.fileno())
        if received != entry.size or digest != entry.sha256:
            raise DataError(
                f"checksum mismatch for {dataset}/{entry.filename} from {url}: expected sha256 "
                f"{entry.sha256} ({entry.size} bytes), got sha256 {digest} ({received} bytes)"
            )
        try:
            os.replace(temp_path, target)
        except OSError as err:
            raise DataError(f"cannot write {dataset}/{entry.filename} to {target}: {err}") from err
        _fsync_directory(target.parent)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise


def _stream_into(
    dataset: str,
    entry: RegisteredFile,
    url: str,
    sink: BinaryIO,
    timeout: float,
    advance: Callable[[int], None],
) -> tuple[int, str]:
    """Copy the body of ``url`` into ``sink``; return (bytes received, hex SHA-256).

    Reads at most one chunk beyond the registered size. A body shorter than the declared
    Content-Length (``http.client`` returns it silently) is an interrupted download.
    """
    where = f"{dataset}/{entry.filename} from {url}"
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    digest = hashlib.sha256()
    received = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            declared = _declared_length(response)
            while chunk := response.read(_CHUNK_BYTES):
                received += len(chunk)
                digest.update(chunk)
                sink.write(chunk)
                advance(len(chunk))
                if received > entry.size:
                    break  # more than registered: the checksum check reports it
    except urllib.error.HTTPError as err:
        err.close()
        raise DataError(f"download of {where} failed: HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        raise DataError(f"download of {where} failed: {err.reason}") from err
    except (http.client.HTTPException, OSError) as err:
        raise DataError(
            f"download of {where} interrupted (expected {entry.size} bytes): "
            f"{type(err).__name__}: {err}"
        ) from err
    if declared is not None and received < declared:
        raise DataError(
            f"download of {where} interrupted: connection closed after {received} of "
            f"{declared} bytes (Content-Length)"
        )
    return received, digest.hexdigest()


def _declared_length(response: object) -> int | None:
    """The response's Content-Length as an int, or None when absent or malformed."""
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _fsync_directory(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_receipt(
    target_dir: Path,
    dataset: RegisteredDataset,
    mirror: str | None,
    files: list[dict[str, object]],
) -> None:
    """Write ``FETCHED.json`` atomically: source repository and commit, mirror, files."""
    payload = {
        "dataset": dataset.name,
        "repository": dataset.repository,
        "commit": dataset.commit,
        "mirror": mirror,
        "fetched_at_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": files,
    }
    temp_path = target_dir / f".{RECEIPT_NAME}.part"
    try:
        temp_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        os.replace(temp_path, target_dir / RECEIPT_NAME)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """Yield ``add_task(description, total) -> advance(n_bytes)``; a rich bar when enabled."""
    if not enabled:
        yield lambda description, total: lambda n_bytes: None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns) as bar:

        def add_task(description: str, total: int) -> Callable[[int], None]:
            task = bar.add_task(description, total=total)
            return lambda n_bytes: bar.advance(task, n_bytes)

        yield add_task
