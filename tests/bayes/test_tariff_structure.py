"""Tariff design: parameterisation algebra, panel preparation, prior predictive structure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retrench.bayes.tariff_data import hs_section, prepare_country_panel, summarise_tradewar
from retrench.bayes.tariff_structure import (
    TARIFF_UPPER,
    gamma_E_lower_bound,
    gamma_M_from_tariff,
    rules_tariff,
    tariff_from_logit,
    tariff_logit,
)
from retrench.bayes.tariffs import TariffModel
from retrench.data.simulate_tariffs import simulate_tariff_panel
from retrench.errors import DataError


def test_gamma_M_from_tariff_inverts_eq7_on_a_grid():
    t = np.linspace(-0.3, 0.3, 13)[:, None]
    gamma_E = np.linspace(1.0, 2.9, 11)[None, :]
    gamma_E = np.maximum(gamma_E, np.asarray(gamma_E_lower_bound(t)) + 1e-3)
    gamma_M = np.asarray(gamma_M_from_tariff(t, gamma_E))
    # eq. 7 (specific) then the ad-valorem map by hand: p^w = (4 - 3 tau)/7
    tau = 4 * (2 * gamma_M + 1 - 3 * gamma_E) / (59 - 9 * gamma_E - 8 * gamma_M)
    np.testing.assert_allclose(tau / ((4 - 3 * tau) / 7), np.broadcast_to(t, tau.shape), atol=1e-12)
    assert np.all(gamma_M >= 1.0 - 1e-9) and np.all(gamma_M < 4.0)
    t_model, tau_model = rules_tariff(gamma_E, gamma_M)
    np.testing.assert_allclose(np.asarray(t_model), np.broadcast_to(t, tau.shape), atol=1e-12)


def test_tariff_domain_of_the_logit_coordinate():
    assert pytest.approx(1 / 3, abs=1e-14) == TARIFF_UPPER  # tau = 1/6 prohibitive, p^w = 1/2
    x = np.array([-40.0, -2.0, 0.0, 1.31, 40.0])
    t = np.asarray(tariff_from_logit(x))
    assert np.all((t >= -1) & (t <= 1 / 3)) and abs(t[3] - 0.05) < 0.002
    np.testing.assert_allclose(tariff_logit(t[1:4]), x[1:4], rtol=1e-10)


def _wdi_like_rows():
    panel, _ = simulate_tariff_panel(n_countries=4, n_years=3, seed=1)
    return panel


def test_prepare_panel_leaves_out_and_lists_suspect_missing_and_aggregate_rows():
    raw = _wdi_like_rows()
    raw.loc[0, "suspect"] = True
    raw.loc[1, "tariff_applied_pct"] = np.nan
    raw.loc[2, "is_aggregate"] = True
    spec = TariffModel(_wdi_like_rows()).spec["data"] | {"years": [2000, 2030]}
    panel, excluded = prepare_country_panel(raw, spec)
    assert len(panel) == len(raw) - 3
    assert sorted(excluded["reason"]) == sorted(
        ["flagged suspect by the data layer", "tariff missing", "aggregate (not an economy)"]
    )
    np.testing.assert_allclose(
        panel["tariff"].to_numpy(), raw.loc[3:, "tariff_applied_pct"].to_numpy() / 100
    )


def test_prepare_panel_rejects_negative_tariffs_and_missing_groups_naming_them():
    spec = TariffModel(_wdi_like_rows()).spec["data"] | {"years": [2000, 2030]}
    raw = _wdi_like_rows()
    raw.loc[4, "tariff_applied_pct"] = -1.0
    with pytest.raises(DataError, match=r"'tariff_applied_pct'.*S01"):
        prepare_country_panel(raw, spec)
    raw = _wdi_like_rows()
    raw.loc[raw["country_code"] == "S02", "region"] = np.nan
    with pytest.raises(DataError, match=r"'region': missing group for S02"):
        prepare_country_panel(raw, spec)


def test_hs_sections_and_tradewar_summary():
    codes = pd.Series(["010121", "050100", "720851", "847130", "970110"])
    assert list(hs_section(codes)) == [
        "I animals",
        "I animals",
        "XV base metals",
        "XVI machinery",
        "XXI art",
    ]
    with pytest.raises(DataError, match="no HS section"):
        hs_section(pd.Series(["990100"]))
    base, war = pd.Timestamp("2018-01-01"), pd.Timestamp("2020-02-14")
    rows = []
    for hs6, b, w, sus in (
        ("720851", 0.0, 25.0, False),
        ("720852", 2.0, 27.0, False),
        ("847130", 0.0, 7.5, False),
        ("847131", 0.0, 350.0, True),
    ):
        for date, tariff in ((base, b), (war, w)):
            rows.append(
                {
                    "direction": "us_on_china",
                    "hs6": hs6,
                    "date": date,
                    "tariff_pct": tariff,
                    "baseline_tariff_pct": b,
                    "suspect": sus,
                }
            )
    sections, excluded = summarise_tradewar(pd.DataFrame(rows), "2020-02-14")
    assert list(sections["section"]) == ["XV base metals", "XVI machinery"]
    np.testing.assert_allclose(sections["change"], [0.25, 0.075])
    np.testing.assert_allclose(sections["baseline"], [0.01, 0.0])
    # base metals: changes 0.25 and 0.25 -> sd 0 -> floor; machinery: a single line -> floor
    np.testing.assert_allclose(sections["change_se"], [0.001, 0.001])
    assert list(excluded["hs6"]) == ["847131"]


def test_prior_predictive_power_shift_raises_home_tariff_remark_2():
    panel, _ = simulate_tariff_panel(n_countries=5, n_years=3, seed=2)
    panel.loc[panel["country_code"] == "S00", "country_code"] = "USA"
    tradewar = pd.DataFrame(
        [
            {
                "direction": "us_on_china",
                "hs6": hs6,
                "date": pd.Timestamp(d),
                "tariff_pct": t,
                "baseline_tariff_pct": 0.0,
                "suspect": False,
            }
            for hs6 in ("720851", "847130")
            for d, t in (("2018-01-01", 0.0), ("2020-02-14", 20.0))
        ]
    )
    model = TariffModel(panel, tradewar=tradewar)
    prior = model.prior_predictive(draws=200, seed=0)
    home = list(model.countries).index("USA")
    rise = prior["tariff_power_home"] - prior["tariff_rules"].isel(country=home)
    shift = prior["bargaining_shift"]
    ok = prior["solver_failures"] == 0
    assert float(ok.mean()) > 0.95
    sign_agrees = (np.sign(rise) == np.sign(shift)).where(ok)
    assert float(sign_agrees.mean()) == 1.0
