"""Pure JAX theory layer: primitives and equilibria of the formal models.

No data, no sampling, no I/O. Every public function is jit-able, vmap-able and differentiable in
its continuous parameters; equilibria without closed forms come from root finds with implicit
differentiation (:mod:`retrench.theory._roots`).
"""
