"""Module size limits, so the layout by capability stays readable: every product module at 400
lines or fewer, every Stripe emulator module at 700 (migrations excluded). Split a module that
grows past it along its concerns (see README "Layout")."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_PACKAGES = ("config", "core", "organizations", "teams", "customers", "notifications", "payments")
EMULATOR_PACKAGES = ("stripe_sandbox",)


def _modules_over(packages: tuple[str, ...], limit: int) -> list[str]:
    too_long = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    return too_long


def test_the_packages_exist():
    for package in PRODUCT_PACKAGES + EMULATOR_PACKAGES:
        assert (ROOT / package / "__init__.py").is_file(), package


def test_every_product_module_is_at_most_400_lines():
    assert _modules_over(PRODUCT_PACKAGES, 400) == []


def test_every_emulator_module_is_at_most_700_lines():
    assert _modules_over(EMULATOR_PACKAGES, 700) == []
