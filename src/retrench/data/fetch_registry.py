"""Registry of the real datasets: where each file comes from, its size and its SHA-256.

The eight datasets live in ``shared/data/<name>/``; each folder's ``PROVENANCE.md`` names the
public source (a GitHub repository at a pinned commit). A file in the registry is one of two kinds:

* a **byte-identical copy** of an upstream file: ``source_url`` is the raw-file URL at the pinned
  commit, and the checksum below is the upstream file's checksum as well;
* a **conversion** (``.dta``/``.xls``/``.xlsx``/``.RData`` → CSV, or a derived table):
  ``source_url`` is ``None``, ``conversion`` says how the file was made from ``upstream_url``,
  and the file can only be fetched from a mirror laid out like ``shared/data``
  (``{base_url}/{dataset}/{file}``; see :func:`retrench.data.fetch.fetch_dataset`).

Sizes and checksums were computed from the files in ``shared/data`` (checksums only; no data are
kept in the repository). ``tests/data/test_fetch.py`` recomputes them from that folder.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegisteredFile:
    """One data file of a dataset.

    ``filename`` is the name under ``<dataset>/``; ``size`` in bytes; ``sha256`` lower-case hex.
    ``source_url`` is the raw URL of a byte-identical upstream copy, or ``None`` for a conversion,
    in which case ``conversion`` describes the conversion and ``upstream_url`` points at the
    unconverted source.
    """

    filename: str
    size: int
    sha256: str
    upstream_url: str
    source_url: str | None = None
    conversion: str | None = None

    @property
    def needs_conversion(self) -> bool:
        """True when the file is no byte-identical upstream copy (mirror only)."""
        return self.source_url is None


@dataclass(frozen=True)
class RegisteredDataset:
    """A dataset: its upstream repository at a pinned commit and its files."""

    name: str
    repository: str
    commit: str
    files: tuple[RegisteredFile, ...]


def github_raw_url(repository: str, commit: str, path: str) -> str:
    """Raw-file URL of ``path`` in GitHub ``repository`` (``owner/name``) at ``commit``."""
    return f"https://raw.githubusercontent.com/{repository}/{commit}/{path}"


def github_tree_url(repository: str, commit: str, path: str) -> str:
    """Browsable URL of folder ``path`` in GitHub ``repository`` at ``commit``."""
    return f"https://github.com/{repository}/tree/{commit}/{path}"


def _copy(
    repository: str, commit: str, path: str, filename: str, size: int, sha256: str
) -> RegisteredFile:
    url = github_raw_url(repository, commit, path)
    return RegisteredFile(filename, size, sha256, upstream_url=url, source_url=url)


def _converted(
    upstream_url: str, filename: str, size: int, sha256: str, conversion: str
) -> RegisteredFile:
    return RegisteredFile(filename, size, sha256, upstream_url=upstream_url, conversion=conversion)


_ADH = ("chan079/panelbook", "00ad976f11e862b5845307b2599b1a6f2f616717")
_ADHM = ("ltk2118/congress_trade", "b3ff7021cf06731a7eaa8f36d7b0fcf62e3d0fe4")
_POP = ("MateuszMarcol/PopulismDatasets", "51e1221d609d8d463239e28c798c282d1390ebb3")
_TW = ("mwaugh0328/tradewar-tracker", "753b351647341787b232bcefa349b29c42b7d474")
_VOTES = ("Hear-Ye/congress-data", "195d3f2df1882c6acced8e78b71b1eb898b30a3f")
_WDI = ("isa-j/Stat-App", "85a6b4414066d3729a07c83dbf509588ffc14d86")
_WIOD = ("bquast/wiod", "59a28ac22fbd7751ea84c0f33722b5246b0af46d")
_WTO = ("yohandry10/juego", "0df312e757680c326c485b45bee51ae2bc768a15")

_WDI_XLS = (
    "Data/API_TM.TAX.MRCH.WM.AR.ZS_DS2_en_excel_v2_129989.xls",
    "Data/API_TM.TAX.MRCH.WM.FN.ZS_DS2_en_excel_v2_128528.xls",
)
_ROLLCALL_BUILD = (
    "selected 53 trade roll calls from Hear-Ye/congress-data data/{congress}/votes/*/data.json, "
    "joined to Voteview member files (human-vc/CongressGAT@0073f2f0 data/H{103..116}_members.csv, "
    "yahoochen97/GPIRT@87570b4f data/S{103..116}_members.csv); see PROVENANCE.md"
)
_WTO_BUILD = (
    "WTO member list, names and membership dates from rosters.wto of "
    "src/data/world-memberships.json (parsed from wto.org news_vars_e.js), cross-checked against "
    "DiRiWa/DiRiWa data/wto_members.csv and news items; GATT dates and route from "
    "globalgov/manytrade HUGGO_MEM_additional.csv (GATT_1947O); typed by hand; see PROVENANCE.md"
)
_WTO_OBSERVERS_BUILD = (
    "observer governments, application years and status compiled by hand from WTO accession "
    "pages and news items (sources per row); see PROVENANCE.md"
)
_WIOD_BUILD = (
    "derived GVC indicators computed with numpy from data/wiot_1995.RData ... wiot_2011.RData "
    "(Leontief inverse, value added in exports); see PROVENANCE.md"
)

DATASETS: dict[str, RegisteredDataset] = {
    "adh2013_china_shock_cz": RegisteredDataset(
        "adh2013_china_shock_cz",
        *_ADH,
        files=(
            _converted(
                github_raw_url(*_ADH, "data/workfile_china.dta"),
                "workfile_china.csv",
                4830947,
                "be81df02bf461a2ec17db6fba9fa0f635bbdec3803c42c45ffe558f8e437157e",
                "pyreadstat.read_dta('workfile_china.dta') then to_csv(index=False)",
            ),
            _converted(
                github_raw_url(*_ADH, "data/workfile_china.dta"),
                "workfile_china_variable_labels.csv",
                3679,
                "a129306718940d913d02ba763dca67c211a1fc2656d5cef98642421e847b8f5d",
                "variable names of workfile_china.dta (label column empty)",
            ),
        ),
    ),
    "adhm_house_2002_2016": RegisteredDataset(
        "adhm_house_2002_2016",
        *_ADHM,
        files=(
            _copy(
                *_ADHM,
                "house_2002_2016.csv",
                "house_2002_2016.csv",
                2793030,
                "c762fb9d18e6a4e8737872ca35711e2a30d270cb68fd4b79472865e56916f00d",
            ),
        ),
    ),
    "populism_europe": RegisteredDataset(
        "populism_europe",
        *_POP,
        files=(
            _copy(
                *_POP,
                "datasets_raw/1999-2019_CHES_v3.csv",
                "ches_1999_2019_v3.csv",
                589310,
                "f841d35b95ee16b2c2c5701ebc2e76dd070050af84e6e86c574d6d5e0e161844",
            ),
            _converted(
                github_raw_url(*_POP, "datasets_raw/ThePopuList_Rooduijn.xlsx"),
                "popu_list_rooduijn.csv",
                38474,
                "ee3f532084f5aa42227c9bfcc33a28087587d12c12672518fcfa427debe4fc55",
                "sheet 'Populist 2.0 after R cleaning' of ThePopuList_Rooduijn.xlsx saved to CSV",
            ),
            _copy(
                *_POP,
                "datasets_raw/PopulistPartiesEurope_Larsen.csv",
                "populist_parties_ep_elections_larsen.csv",
                22598,
                "2c4cd430e83d23473e88eaf3aeec2890ec7d62f575ec439b29960e9108fb7b88",
            ),
        ),
    ),
    "us_china_tradewar_tariffs": RegisteredDataset(
        "us_china_tradewar_tariffs",
        *_TW,
        files=(
            _copy(
                *_TW,
                "data/new_tariff_list_2020.csv",
                "china_tariffs_on_us_hs6.csv",
                1502515,
                "bdafdd676c106e406667e449896e8c8c2c542db91b7999fe24c960f21dc81f75",
            ),
            _copy(
                *_TW,
                "data/annex-6-1.csv",
                "phase_one_annex_6_1_hs4.csv",
                91608,
                "c932ac1a07a094f77fdc4be267686b9d0146bdd13076a643e5809458e5998a97",
            ),
            _copy(
                *_TW,
                "data/exports_by_naics.csv",
                "us_exports_to_china_by_naics3_monthly.csv",
                110952,
                "10d8dd19800eff089db3d3db2edf09dd7a7d3e8bc6d6280fc84d4f466da8ca25",
            ),
            _copy(
                *_TW,
                "data/imports_by_naics.csv",
                "us_imports_from_china_by_naics3_monthly.csv",
                108759,
                "0451e5728a844024d8cf237cf28e688d3bcbc9842229c805c9ad8dc8b3a71378",
            ),
            _copy(
                *_TW,
                "data/us_tariffs_2020.csv",
                "us_tariffs_on_china_hs6.csv",
                3698711,
                "0af3bbaef045cf82441bee49a51471ba361301304e1724815081efaf7623392d",
            ),
        ),
    ),
    "us_trade_rollcalls": RegisteredDataset(
        "us_trade_rollcalls",
        *_VOTES,
        files=(
            _converted(
                github_tree_url(*_VOTES, "data"),
                "trade_rollcalls.csv",
                13644,
                "9f2ef2d8feaa7b1c86841db42626a5a4be9294bcd7728465f061b3e0b5fb701f",
                _ROLLCALL_BUILD,
            ),
            _converted(
                github_tree_url(*_VOTES, "data"),
                "trade_votes_members.csv",
                2614704,
                "bc728e81b3c7e282f3b762937973eda416a8f1bcb96654343c1c0247fe8a7b6a",
                _ROLLCALL_BUILD,
            ),
            _converted(
                github_tree_url(
                    "human-vc/CongressGAT", "0073f2f045737b54d89a378dbd5388d2a45a6fbe", "data"
                ),
                "voteview_members_trade_congresses.csv",
                707193,
                "b67755031509ea62fc169e3f6efacbf27a76fe594eddad697690535b7f35794f",
                "Voteview House and Senate member files for congresses 103, 105-110, 112, 114, 116 "
                "concatenated, President rows dropped",
            ),
        ),
    ),
    "wdi_tariff_rates": RegisteredDataset(
        "wdi_tariff_rates",
        *_WDI,
        files=(
            _converted(
                github_raw_url(*_WDI, _WDI_XLS[0]),
                "wdi_tariff_rates_long.csv",
                253783,
                "c138fc181ab3712dac57bb94db9eb1c7680241259419b8aba63bf21d9fb15e44",
                f"'Data' sheets of {_WDI_XLS[0]} and {_WDI_XLS[1]} read with header=3, melted "
                "to long, outer-merged on country and year, WB region and income group added",
            ),
        ),
    ),
    "wiod2013_gvc_indicators": RegisteredDataset(
        "wiod2013_gvc_indicators",
        *_WIOD,
        files=(
            _converted(
                github_tree_url(*_WIOD, "data"),
                "wiod2013_country_year_gvc.csv",
                128048,
                "d8a74db1f14f2da7115de89b9a227d997cf8a9acd8a1cb6d05c9b3a82244c9a6",
                _WIOD_BUILD,
            ),
            _converted(
                github_tree_url(*_WIOD, "data"),
                "wiod2013_va_source_by_exporter.csv",
                571807,
                "995a59dabfbd11653c3c035b760513aec388b1e5ce355678ec532896737bf9a5",
                _WIOD_BUILD,
            ),
        ),
    ),
    "wto_membership": RegisteredDataset(
        "wto_membership",
        *_WTO,
        files=(
            _converted(
                github_raw_url(*_WTO, "src/data/world-memberships.json"),
                "wto_membership.csv",
                24241,
                "47c04096d270b484b2b7faed4b8216002380062fbffd7092f7b8ae8b9ef4aa7c",
                _WTO_BUILD,
            ),
            _converted(
                github_raw_url(*_WTO, "src/data/world-memberships.json"),
                "wto_observers.csv",
                4137,
                "13a31bd876ef167501f8b0e03f9d55c03cef27b259ba05cb0f14681506fc21bc",
                _WTO_OBSERVERS_BUILD,
            ),
        ),
    ),
}


def dataset_names() -> list[str]:
    """Names of all registered datasets, sorted."""
    return sorted(DATASETS)
