"""A toy design defined in the test suite: the whole of what a design needs, in one folder.

Registered by a test with one line:
``registry.register_package("toy", "tests.designs_fixture.toy")``.
"""

from retrench.designs.registry import ModelEntry

ENTRY = ModelEntry(
    name="toy",
    class_path="tests.designs_fixture.toy.model:ToyDesign",
    make_source="tests.designs_fixture.toy.model:toy_source",
    load_data="tests.designs_fixture.toy.model:load_toy_data",
    report="tests.designs_fixture.toy.report:write_report",
    counterfactuals="tests.designs_fixture.toy.policies",
    calibration=(
        "tests.designs_fixture.toy.model:simulate",
        "tests.designs_fixture.toy.model:fit",
    ),
    fit_options={"slope_scale": "priors.slope.scale"},
    option_help={"slope_scale": "prior scale of the slope"},
    description="linear regression y = a + b x + e (test design)",
)
