"""Report of an electoral realignment fit (issue 5): plots, tables and ``report.md``.

:func:`write_report` takes a fitted (or loaded)
:class:`retrench.designs.electoral.model.ElectoralModel`
and writes into a folder:

* ``ppc_party_yea_shares.png``: observed party yea shares on liberalizing roll calls by Congress
  against the posterior predictive 90 % band (:func:`electoral_checks.plot_party_yea_shares`);
* ``ppc_exposure_vote.png``: district Republican share change against China-shock exposure, with
  the posterior mean line and 90 % predictive band (when the fit has districts);
* ``realignment_map.png``: the seed's Figures 2–3 with posterior bands
  (:func:`electoral_counterfactuals.plot_realignment_map`);
* ``prior_posterior.png``: prior against posterior of every scalar parameter, titled with the
  contraction 1 − var_post/var_prior (near 0: the prior carries it; near 1: the data pin it);
* ``contraction.csv``, ``realignment_period.csv``, ``counterfactual_<policy>.csv`` for both
  policies of :data:`electoral_counterfactuals.POLICIES`, and ``report.md`` tying them together.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

from retrench.designs.electoral import checks as ck
from retrench.designs.electoral import policies as cf

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

#: Scalar parameters shown prior-against-posterior (those the fit has).
SCALAR_SITES = (
    "x_H", "gamma", "lam", "alpha_E", "b", "qr_scale", "alpha_R_rw_sd", "discipline",
    "concentration", "taa_intercept", "taa_slope", "m", "exposure_loading",
    "district_intercept", "district_sigma",
)  # fmt: skip


def plot_prior_posterior(idata, path: Path, names=SCALAR_SITES) -> str:
    """One panel per scalar parameter: prior and posterior histograms (common bins), titled
    with the contraction 1 − var_post/var_prior."""
    names = [n for n in names if n in idata.posterior and n in idata.prior]
    cols = 5
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 2.4 * rows), squeeze=False)
    for ax, name in zip(axes.ravel(), names, strict=False):
        post = np.asarray(idata.posterior[name].values).ravel()
        prior = np.asarray(idata.prior[name].values).ravel()
        lo, hi = np.quantile(np.concatenate([prior, post]), [0.005, 0.995])
        bins = np.linspace(lo, hi, 40)
        ax.hist(prior, bins=bins, density=True, color="0.6", alpha=0.6, label="prior")
        ax.hist(post, bins=bins, density=True, color="tab:blue", alpha=0.6, label="posterior")
        shrink = 1.0 - np.var(post) / np.var(prior) if np.var(prior) > 0 else np.nan
        ax.set_title(f"{name}: contraction {shrink:.2f}", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(names) :]:
        ax.axis("off")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return str(path)


def _table(title: str, frame, digits: int = 3) -> list[str]:
    return [f"## {title}", "", frame.round(digits).to_string(), ""]


def write_report(model, out: Path) -> Path:
    """Write the plots, tables and ``report.md`` of the fitted ``model`` into ``out``; return the
    path of ``report.md``.

    Raises:
        RuntimeError: the model has no fit (call ``fit`` or ``load`` first).
    """
    if getattr(model, "idata", None) is None:
        raise RuntimeError("write_report: the electoral model has no fit (fit or load it first)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    leaders = model.leaders
    lines = [
        "# Electoral realignment fit (Melnick 2025, seed 001)",
        "",
        f"Mapping: Republicans = {leaders['R']}, Democrats = {leaders['D']}. Roll-call rows "
        f"used: {len(model.panel)}; left out: {len(model.excluded)}.",
        "",
        "![party yea shares](ppc_party_yea_shares.png)",
        "",
    ]
    ck.plot_party_yea_shares(model, out / "ppc_party_yea_shares.png")
    shares = ck.party_share_table(model, ck._flat(model.idata.posterior_predictive, "yea_obs"))
    shares.to_csv(out / "ppc_party_yea_shares.csv", index=False)
    inside = ((shares["observed"] >= shares["lo"]) & (shares["observed"] <= shares["hi"])).sum()
    lines += [f"Observed party yea shares inside the 90 % predictive band: {inside} of "
              f"{len(shares)} (Congress, party) cells (ppc_party_yea_shares.csv).", ""]  # fmt: skip
    if model.districts is not None:
        ck.plot_exposure_vote(model, out / "ppc_exposure_vote.png")
        slope = ck.exposure_slope_check(model)
        lines += [
            "![exposure-vote](ppc_exposure_vote.png)",
            "",
            f"Districts used: {len(model.districts)}; uncontested excluded: "
            f"{len(model.district_excluded)}. OLS slope of the change (pp per sd of exposure): "
            f"observed {slope['observed']:.2f}, replicated median {slope['replicated_median']:.2f}"
            f" (90 % {slope['replicated_lo']:.2f} to {slope['replicated_hi']:.2f}), predictive "
            f"p-value {slope['p_value']:.2f}.",
            "",
        ]
    cf.plot_realignment_map(model, out / "realignment_map.png")
    plot_prior_posterior(model.idata, out / "prior_posterior.png")
    lines += ["![realignment map](realignment_map.png)", "",
              "![prior vs posterior](prior_posterior.png)", ""]  # fmt: skip
    contraction = ck.contraction(model.idata)
    contraction.to_csv(out / "contraction.csv")
    if model.districts is not None:
        period = ck.realignment_period(model.idata, model.congresses)
        period.to_csv(out / "realignment_period.csv")
        lines += _table("First realigned Congress (posterior)", period.to_frame("probability"))
    lines += _table("Contraction (1 - var_post/var_prior)", contraction)
    for policy in cf.POLICIES:
        for title, table in cf.counterfactual_tables(model, policy):
            table.to_csv(out / f"counterfactual_{policy}.csv")
            lines += _table(title, table, 4)
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def after_fit(model, out: Path) -> list[str]:
    """After ``retrench fit electoral``: write what the fit left out (``excluded.csv``: roll-call
    rows; ``districts_excluded.csv``: uncontested districts) and return lines to print."""
    out = Path(out)
    model.excluded.to_csv(out / "excluded.csv", index=False)
    lines = [f"roll-call rows used: {len(model.panel)}; left out: {len(model.excluded)} "
             "(excluded.csv)"]  # fmt: skip
    if model.district_excluded is not None:
        model.district_excluded.to_csv(out / "districts_excluded.csv", index=False)
        lines.append(
            f"districts used: {len(model.districts)}; uncontested left out: "
            f"{len(model.district_excluded)} (districts_excluded.csv)"
        )
    return lines
