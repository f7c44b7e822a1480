"""The WTO-accession tariff design (DeRemer, seed 002; issue 16): γ_E and γ_M identified
separately from tariffs outside (Nash) and inside (reciprocal efficient) the GATT/WTO.

Modules: ``model`` (``TariffAccessionModel``), ``spec`` (its spec schema), ``structure`` (weight
domain, transforms, phase-in), ``panel`` (panel preparation). See docs/tariffs_accession.md.
"""
