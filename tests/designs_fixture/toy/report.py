"""The toy design's report: the posterior means in report.md."""

from __future__ import annotations

from pathlib import Path


def write_report(model, out) -> Path:
    posterior = model.require_fit().posterior
    lines = ["# toy report", ""]
    lines += [f"- {s}: {float(posterior[s].mean()):.3f}" for s in model.summary_sites]
    path = Path(out) / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
