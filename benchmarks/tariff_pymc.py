"""The tariff design's country-panel likelihood written by hand in PyMC (the baseline).

Same priors (read from the TariffModel's validated spec), same parameterisation and the same
closed-form structure as :class:`retrench.bayes.tariffs.TariffModel` without the trade-war block:

    logit_c ~ Normal(mu + group_sd z_g(c), country_sd),  t_c = -1 + (t_max + 1) sigmoid(logit_c)
    gamma_E = lo + (3 - lo) sigmoid(gamma_E_logit_c),  lo = max(1, 1 - 2 t_c)
    gamma_M = (8 t_c - 1 + 3 gamma_E) / (2 (1 + t_c))
    t_rules = (2 gamma_M + 1 - 3 gamma_E) / (2 (4 - gamma_M))            (eq. 7, ad valorem)
    y_ct ~ Normal((1 + t_rules) e^{trend (year - ref)} - 1, sigma_c), left-censored at c
    sigma_c = floor + exp(s_c),  s_c ~ Normal(sigma_log_mean, sigma_log_sd)
        (centred, or non-centred s_c = mean + sd z'_c, as the spec's ``parameterisation``)

Only the shape of the code differs: PyMC distributions and ``pm.Censored`` instead of
NumPyro sites and retrench's ``LeftCensored``.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

try:
    from retrench.bayes.tariff_structure import GAMMA_E_UPPER, TARIFF_LOWER, TARIFF_UPPER
except ImportError:  # older layout
    from retrench.bayes.tariffs import GAMMA_E_UPPER, TARIFF_LOWER, TARIFF_UPPER

COMMON_FREE_VARIABLES = (
    "mu_tariff_logit",
    "group_sd",
    "country_sd",
    "trend",
    "sigma_log_mean",
    "sigma_log_sd",
    "group_mean_raw",
    "tariff_logit",
    "gamma_E_logit",
)


def _sigma_centred(model) -> bool:
    parameterisation = model.spec.get("parameterisation", {})
    return parameterisation.get("country_sigma", "non_centred") == "centred"


def free_variables(model) -> tuple[str, ...]:
    """The free parameters of both models (names of NumPyro's latent sample sites)."""
    sigma = "log_sigma_excess" if _sigma_centred(model) else "log_sigma_excess_raw"
    return (*COMMON_FREE_VARIABLES, sigma)


def _prior(name: str, table: dict, **kwargs):
    family = table["family"]
    if family == "normal":
        return pm.Normal(name, table["loc"], table["scale"], **kwargs)
    if family == "half_normal":
        return pm.HalfNormal(name, table["scale"], **kwargs)
    raise NotImplementedError(f"prior family {family!r} for {name}")


def build_pymc_model(model, jax_compatible: bool = False) -> pm.Model:
    """A PyMC model equal in density to ``model`` (a TariffModel without trade war).

    ``jax_compatible=True`` writes the censored likelihood with ``erfc`` so that PyMC's
    ``nuts_sampler="numpyro"`` can translate it to JAX.
    """
    priors, lik = model.spec["priors"], model.spec["likelihood"]
    if lik["family"] != "normal":
        raise NotImplementedError("the baseline is written for the normal likelihood")
    inputs, observed = model.inputs, model.observed
    country = np.asarray(inputs["country"])
    years = np.asarray(inputs["years_from_ref"])
    country_group = np.asarray(inputs["country_group"])
    threshold = lik["censor_below_pct"] / 100.0
    y = np.maximum(np.asarray(observed["tariff"]), threshold)
    n_country, n_group = len(model.countries), len(model.groups)
    with pm.Model() as pm_model:
        mu = _prior("mu_tariff_logit", priors["mu_tariff_logit"])
        group_sd = _prior("group_sd", priors["group_sd"])
        country_sd = _prior("country_sd", priors["country_sd"])
        trend = _prior("trend", priors["trend"])
        sigma_mean = _prior("sigma_log_mean", priors["sigma_log_mean"])
        sigma_sd = _prior("sigma_log_sd", priors["sigma_log_sd"])
        group_raw = pm.Normal("group_mean_raw", 0.0, 1.0, shape=n_group)
        group_mean = mu + group_sd * group_raw
        logit_t = pm.Normal("tariff_logit", group_mean[country_group], country_sd, shape=n_country)
        e_logit = _prior("gamma_E_logit", priors["gamma_E_logit"], shape=n_country)
        if _sigma_centred(model):
            log_sigma = pm.Normal("log_sigma_excess", sigma_mean, sigma_sd, shape=n_country)
        else:
            raw = pm.Normal("log_sigma_excess_raw", 0.0, 1.0, shape=n_country)
            log_sigma = sigma_mean + sigma_sd * raw

        t_c = TARIFF_LOWER + (TARIFF_UPPER - TARIFF_LOWER) * pm.math.sigmoid(logit_t)
        lower = pt.maximum(1.0, 1.0 - 2.0 * t_c)
        gamma_E = lower + (GAMMA_E_UPPER - lower) * pm.math.sigmoid(e_logit)
        gamma_M = (8.0 * t_c - 1.0 + 3.0 * gamma_E) / (2.0 * (1.0 + t_c))
        t_rules = (2.0 * gamma_M + 1.0 - 3.0 * gamma_E) / (2.0 * (4.0 - gamma_M))
        sigma_c = lik["sigma_floor_pct"] / 100.0 + pt.exp(log_sigma)
        mean = (1.0 + t_rules[country]) * pt.exp(trend * years) - 1.0
        if jax_compatible:
            _censored_normal_potential(y, mean, sigma_c[country], threshold)
        else:
            pm.Censored(
                "tariff_obs",
                pm.Normal.dist(mean, sigma_c[country]),
                lower=threshold,
                upper=None,
                observed=y,
            )
    return pm_model


def _censored_normal_potential(y, mean, sigma, threshold) -> None:
    """The same left-censored normal written with ``erfc`` (PyTensor's JAX backend has no
    ``erfcx``, which ``pm.Censored``'s normal log-CDF uses): log Phi(z) = log(erfc(-z/√2)/2)."""
    censored = y <= threshold
    z = (threshold - mean) / sigma
    log_cdf = pt.log(0.5 * pt.erfc(-z / np.sqrt(2.0)))
    log_pdf = pm.logp(pm.Normal.dist(mean, sigma), y)
    pm.Potential("tariff_obs", pt.sum(pt.where(censored, log_cdf, log_pdf)))


def logp_difference(model, pm_model: pm.Model, seed: int = 0) -> float:
    """|log p_NumPyro - log p_PyMC| / (1 + |log p_PyMC|) at a random point (no Jacobians)."""
    import jax.numpy as jnp
    from numpyro.handlers import seed as seed_handler
    from numpyro.infer.util import log_density

    rng = np.random.default_rng(seed)
    point, pm_point = {}, {}
    for rv in pm_model.free_RVs:
        value_var = pm_model.rvs_to_values[rv]
        shape = tuple(int(d) for d in rv.shape.eval())
        natural = rng.uniform(0.1, 0.5, size=shape)
        if rv.name in ("mu_tariff_logit", "tariff_logit"):
            natural = natural + 1.0
        if rv.name in ("sigma_log_mean", "log_sigma_excess"):
            natural = natural - 4.5
        point[rv.name] = jnp.asarray(natural)
        logged = value_var.name.endswith("_log__")
        pm_point[value_var.name] = np.log(natural) if logged else natural
    numpyro_logp, _ = log_density(
        seed_handler(model.model, 0), (model.inputs, model.observed), {}, point
    )
    pymc_logp = pm_model.compile_logp(jacobian=False)(pm_point)
    return float(abs(float(numpyro_logp) - float(pymc_logp)) / (1.0 + abs(float(pymc_logp))))
