"""The emulator stays a package of its own, in modules a reader can take in (issue 12)."""

from pathlib import Path

import stripe_sandbox

PACKAGE = Path(stripe_sandbox.__file__).parent
GATEWAY = PACKAGE.parent / "payments" / "gateway"


def _sizes(root: Path) -> dict[str, int]:
    return {str(path.relative_to(root)): len(path.read_text().splitlines()) for path in root.rglob("*.py")}


def test_no_emulator_module_is_over_700_lines():
    sizes = _sizes(PACKAGE)
    assert "api/checkout.py" in sizes and "operations/refunds.py" in sizes and "pages/onboarding.py" in sizes
    assert {name: lines for name, lines in sizes.items() if lines > 700} == {}


def test_no_gateway_module_is_over_400_lines():
    sizes = _sizes(GATEWAY)
    assert "client.py" in sizes and "checkout.py" in sizes
    assert {name: lines for name, lines in sizes.items() if lines > 400} == {}


def test_the_emulator_imports_no_product_code():
    """import-linter checks this in `make lint`; this test keeps it visible in the suite too."""
    product = ("config", "core", "organizations", "teams", "customers", "payments", "notifications")
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            words = line.strip().split()
            if len(words) >= 2 and words[0] in ("import", "from") and words[1].split(".")[0] in product:
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert offenders == []
