"""Tests of ``retrench.data.fetch`` against a local HTTP server on 127.0.0.1 (no other traffic).

The server serves the project's ``shared/data`` folder; misbehaving handlers drop the connection
mid-body, serve corrupted bytes or stall. Expected sizes and checksums are recomputed here with
hashlib from ``shared/data``, not taken from the registry.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from retrench.data.fetch import MIRROR_ENV, RECEIPT_NAME, fetch_dataset
from retrench.data.fetch_registry import DATASETS
from retrench.errors import DataError

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SMALL = "wdi_tariff_rates"  # one file, 254 kB
MULTI = "populism_europe"  # three files, one of them a conversion
EXPECTED_NAMES = {
    "adh2013_china_shock_cz",
    "adhm_house_2002_2016",
    "populism_europe",
    "us_china_tradewar_tariffs",
    "us_trade_rollcalls",
    "wdi_tariff_rates",
    "wiod2013_gvc_indicators",
    "wto_membership",
}


@pytest.fixture(autouse=True)
def _shared_data_present(require_data):
    """Every test here serves or compares ``shared/data``: skipped (or, under
    RETRENCH_REQUIRE_DATA=1, failed) when it is absent."""
    if not SHARED_DATA.is_dir():
        require_data(f"shared data folder not found at {SHARED_DATA}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``shared/data``, records request paths, logs nothing."""

    requests: list[str]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(SHARED_DATA), **kwargs)

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.requests.append(self.path)
        self.serve()

    def serve(self):
        super().do_GET()

    def body_of_requested_file(self) -> bytes:
        return (SHARED_DATA / self.path.lstrip("/")).read_bytes()


class _DropMidBody(_QuietHandler):
    """Declares the full Content-Length, sends half the body, then closes the connection."""

    def serve(self):
        body = self.body_of_requested_file()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True


class _CorruptBytes(_QuietHandler):
    """Serves the right number of bytes with one byte flipped in the middle."""

    def serve(self):
        body = bytearray(self.body_of_requested_file())
        body[len(body) // 2] ^= 0xFF
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(bytes(body))


class _TrailingGarbage(_QuietHandler):
    """Serves the right bytes followed by extra ones (a mirror with a newer, longer file)."""

    def serve(self):
        body = self.body_of_requested_file() + b"extra row\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _StallAfterHeaders(_QuietHandler):
    """Sends headers and a little of the body, then waits until the test ends."""

    release: threading.Event

    def serve(self):
        body = self.body_of_requested_file()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:100])
        self.wfile.flush()
        self.release.wait(timeout=10)


@pytest.fixture
def serve() -> Iterator[Callable[[type[_QuietHandler]], tuple[str, list[str]]]]:
    """Start a server per call on an ephemeral 127.0.0.1 port; all stopped at teardown."""
    servers: list[http.server.ThreadingHTTPServer] = []
    release = threading.Event()

    def start(handler: type[_QuietHandler]) -> tuple[str, list[str]]:
        requests: list[str] = []
        bound = type(handler.__name__, (handler,), {"requests": requests, "release": release})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), bound)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", requests

    yield start
    release.set()
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def no_mirror_env(monkeypatch):
    monkeypatch.delenv(MIRROR_ENV, raising=False)


fetch_quietly = functools.partial(fetch_dataset, timeout=5, progress=False)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the registry against shared/data and PROVENANCE.md ------------------------------------


def test_registry_covers_every_shared_dataset_with_true_sizes_and_checksums():
    shared_names = {p.name for p in SHARED_DATA.iterdir() if p.is_dir()}
    assert shared_names == EXPECTED_NAMES == set(DATASETS)
    for name, dataset in DATASETS.items():
        on_disk = {p.name for p in (SHARED_DATA / name).iterdir()} - {"PROVENANCE.md"}
        assert {f.filename for f in dataset.files} == on_disk, name
        for entry in dataset.files:
            path = SHARED_DATA / name / entry.filename
            assert entry.size == path.stat().st_size, entry.filename
            assert entry.sha256 == _sha256(path), entry.filename


def test_source_urls_are_raw_files_at_the_commit_named_in_provenance():
    for name, dataset in DATASETS.items():
        provenance = (SHARED_DATA / name / "PROVENANCE.md").read_text(encoding="utf-8")
        commits = set(re.findall(r"commit `([0-9a-f]{40})`", provenance))
        assert dataset.commit in commits, name
        for entry in dataset.files:
            assert any(c in entry.upstream_url for c in commits), entry.upstream_url
            if entry.source_url is None:
                assert entry.conversion, entry.filename
                continue
            assert entry.source_url.startswith(
                f"https://raw.githubusercontent.com/{dataset.repository}/{dataset.commit}/"
            )
            upstream_path = entry.source_url.split(dataset.commit + "/", 1)[1]
            assert upstream_path in provenance, (name, upstream_path)


def test_files_provenance_calls_converted_have_no_direct_source():
    converted = {
        (name, f.filename) for name, d in DATASETS.items() for f in d.files if f.needs_conversion
    }
    assert ("adh2013_china_shock_cz", "workfile_china.csv") in converted  # .dta -> .csv
    assert ("wdi_tariff_rates", "wdi_tariff_rates_long.csv") in converted  # .xls -> long CSV
    assert ("populism_europe", "popu_list_rooduijn.csv") in converted  # .xlsx sheet
    assert ("populism_europe", "ches_1999_2019_v3.csv") not in converted  # "unchanged"
    assert not any(name == "us_china_tradewar_tariffs" for name, _ in converted)  # all copies
    assert not any(name == "adhm_house_2002_2016" for name, _ in converted)  # copied unchanged
    assert ("wto_membership", "wto_membership.csv") in converted  # compiled from several sources


# --- fetching from a healthy mirror ---------------------------------------------------------


def test_full_fetch_reproduces_shared_files_byte_for_byte(serve, tmp_path):
    base, requests = serve(_QuietHandler)
    folder = fetch_dataset(MULTI, tmp_path, base_url=base, timeout=5, progress=True)
    assert folder == tmp_path / MULTI
    expected = {p.name for p in (SHARED_DATA / MULTI).iterdir()} - {"PROVENANCE.md"}
    assert set(_leftovers(folder)) == expected | {RECEIPT_NAME}
    for filename in expected:
        assert (folder / filename).read_bytes() == (SHARED_DATA / MULTI / filename).read_bytes()
    assert sorted(requests) == sorted(f"/{MULTI}/{f}" for f in expected)


def test_second_fetch_skips_files_already_present(serve, tmp_path):
    base, requests = serve(_QuietHandler)
    folder = fetch_quietly(SMALL, tmp_path, base_url=base)
    target = folder / "wdi_tariff_rates_long.csv"
    first_mtime = target.stat().st_mtime_ns
    n_requests = len(requests)
    fetch_quietly(SMALL, tmp_path, base_url=base)
    assert len(requests) == n_requests == 1
    assert target.stat().st_mtime_ns == first_mtime
    assert '"status": "already present"' in (folder / RECEIPT_NAME).read_text()


def test_corrupt_local_copy_is_downloaded_again(serve, tmp_path):
    base, requests = serve(_QuietHandler)
    target = tmp_path / SMALL / "wdi_tariff_rates_long.csv"
    target.parent.mkdir()
    target.write_bytes(b"not the data\n")
    fetch_quietly(SMALL, tmp_path, base_url=base)
    assert target.read_bytes() == (SHARED_DATA / SMALL / target.name).read_bytes()
    assert requests == [f"/{SMALL}/{target.name}"]


def test_mirror_from_environment_variable(serve, tmp_path, monkeypatch):
    base, requests = serve(_QuietHandler)
    monkeypatch.setenv(MIRROR_ENV, base + "/")
    folder = fetch_quietly(SMALL, tmp_path)
    assert _sha256(folder / "wdi_tariff_rates_long.csv") == _sha256(
        SHARED_DATA / SMALL / "wdi_tariff_rates_long.csv"
    )
    assert requests == [f"/{SMALL}/wdi_tariff_rates_long.csv"]


def test_local_folder_as_mirror(tmp_path):
    folder = fetch_quietly(SMALL, tmp_path, base_url=SHARED_DATA)
    assert (folder / "wdi_tariff_rates_long.csv").read_bytes() == (
        SHARED_DATA / SMALL / "wdi_tariff_rates_long.csv"
    ).read_bytes()


# --- failures: clear DataError, nothing partial left behind ---------------------------------


def test_connection_dropped_mid_body_raises_and_leaves_nothing(serve, tmp_path):
    base, _ = serve(_DropMidBody)
    with pytest.raises(DataError, match="interrupted") as info:
        fetch_quietly(SMALL, tmp_path, base_url=base)
    message = str(info.value)
    assert SMALL in message and "wdi_tariff_rates_long.csv" in message
    assert f"{base}/{SMALL}/wdi_tariff_rates_long.csv" in message
    assert _leftovers(tmp_path / SMALL) == []  # no folder left at all


def test_corrupted_bytes_raise_checksum_error_and_leave_nothing(serve, tmp_path):
    base, _ = serve(_CorruptBytes)
    good = SHARED_DATA / SMALL / "wdi_tariff_rates_long.csv"
    with pytest.raises(DataError, match="checksum mismatch") as info:
        fetch_quietly(SMALL, tmp_path, base_url=base)
    message = str(info.value)
    body = bytearray(good.read_bytes())
    body[len(body) // 2] ^= 0xFF
    assert _sha256(good) in message  # expected
    assert hashlib.sha256(bytes(body)).hexdigest() in message  # got
    assert f"{base}/{SMALL}/wdi_tariff_rates_long.csv" in message
    assert _leftovers(tmp_path / SMALL) == []  # no folder left at all


def test_longer_body_than_registered_is_a_checksum_error(serve, tmp_path):
    base, _ = serve(_TrailingGarbage)
    size = (SHARED_DATA / SMALL / "wdi_tariff_rates_long.csv").stat().st_size
    with pytest.raises(DataError, match=f"checksum mismatch.*\\({size} bytes\\), got sha256"):
        fetch_quietly(SMALL, tmp_path, base_url=base)
    assert _leftovers(tmp_path / SMALL) == []  # no folder left at all


def test_failed_download_keeps_an_existing_file_untouched(serve, tmp_path):
    base, _ = serve(_CorruptBytes)
    target = tmp_path / SMALL / "wdi_tariff_rates_long.csv"
    target.parent.mkdir()
    target.write_bytes(b"old content\n")
    with pytest.raises(DataError):
        fetch_quietly(SMALL, tmp_path, base_url=base)
    assert target.read_bytes() == b"old content\n"
    assert _leftovers(target.parent) == [target.name]


def test_stalled_server_times_out_with_data_error(serve, tmp_path):
    base, _ = serve(_StallAfterHeaders)
    with pytest.raises(DataError, match="interrupted|timed out"):
        fetch_dataset(SMALL, tmp_path, base_url=base, timeout=0.5, progress=False)
    assert _leftovers(tmp_path / SMALL) == []  # no folder left at all


def test_http_404_names_the_url(serve, tmp_path):
    base, _ = serve(_QuietHandler)
    with pytest.raises(DataError, match="HTTP 404") as info:
        fetch_quietly(SMALL, tmp_path, base_url=base + "/no-such-folder")
    assert f"{base}/no-such-folder/{SMALL}/wdi_tariff_rates_long.csv" in str(info.value)
    assert _leftovers(tmp_path / SMALL) == []  # no folder left at all


def test_unknown_dataset_lists_the_valid_names(tmp_path):
    with pytest.raises(DataError, match="unknown dataset 'china_shock'") as info:
        fetch_quietly("china_shock", tmp_path)
    for name in EXPECTED_NAMES:
        assert name in str(info.value)
    assert not (tmp_path / "china_shock").exists()


def test_converted_files_without_mirror_fail_before_any_download(tmp_path):
    with pytest.raises(DataError, match="conversion required") as info:
        fetch_quietly("adh2013_china_shock_cz", tmp_path)
    message = str(info.value)
    assert "workfile_china.csv" in message and "read_dta" in message and MIRROR_ENV in message
    assert not (tmp_path / "adh2013_china_shock_cz").exists()


def test_mirror_that_is_not_a_url_or_folder_is_rejected(tmp_path):
    with pytest.raises(DataError, match="base_url='no/such/dir'"):
        fetch_quietly(SMALL, tmp_path, base_url="no/such/dir")


# --- issue 13: an overall time limit; no empty folder or .part file after a failure ---------


def test_overall_time_limit_stops_the_fetch_and_leaves_no_folder(tmp_path):
    with pytest.raises(DataError, match="overall time limit of 1e-09 s") as info:
        fetch_quietly(SMALL, tmp_path, base_url=SHARED_DATA, time_limit=1e-9)
    assert "wdi_tariff_rates_long.csv" in str(info.value)
    assert not (tmp_path / SMALL).exists()  # the folder this fetch created is gone


def test_failed_fetch_removes_the_empty_folder_it_created(serve, tmp_path):
    base, _ = serve(_DropMidBody)
    with pytest.raises(DataError):
        fetch_quietly(SMALL, tmp_path, base_url=base)
    assert not (tmp_path / SMALL).exists()


def test_part_files_of_a_killed_fetch_are_removed_by_the_next(tmp_path):
    folder = tmp_path / SMALL
    folder.mkdir()
    (folder / ".wdi_tariff_rates_long.csv.abc.part").write_bytes(b"half")
    fetch_quietly(SMALL, tmp_path, base_url=SHARED_DATA)
    assert not list(folder.glob(".*.part"))


def test_time_limit_must_be_positive(tmp_path):
    with pytest.raises(DataError, match="time limit must be a positive number"):
        fetch_quietly(SMALL, tmp_path, base_url=SHARED_DATA, time_limit=0)
