"""What every page must pass in a real browser, at any width: no sideways scrolling, no controls
drawn over each other, no drop-down whose chosen option is cut ("Langue de la concess…"), a
heading, and no critical or serious axe-core violation.

axe-core is vendored for the tests (tests/browser/vendor/README.md) and injected into the page;
it never reaches users."""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("critical", "serious")

_OVERLAPS_JS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, [role=button], summary';
  const shown = [...document.querySelectorAll(sel)].filter((el) =>
    el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) && !el.closest('.sr-only, .sr'));
  // A link that wraps onto two lines is two boxes: compare the boxes, not their union.
  const boxes = shown.map((el) => [...el.getClientRects()].filter((r) => r.width > 0 && r.height > 0));
  const name = (el) => (el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
    (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30) + '"');
  const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
  const found = [];
  for (let i = 0; i < shown.length; i++) {
    for (let j = i + 1; j < shown.length; j++) {
      if (shown[i].contains(shown[j]) || shown[j].contains(shown[i])) continue;
      if (boxes[i].some((a) => boxes[j].some((b) => hit(a, b)))) found.push(name(shown[i]) + ' over ' + name(shown[j]));
    }
  }
  return found;
}"""


# A <select> draws its chosen option's text and cuts it at its own width, without an ellipsis
# the page can see: measure that text in the select's font (canvas) against the room inside it
# (its width less its padding and the drop-down arrow).
_CUT_SELECTS_JS = """() => {
  const ARROW = 20;
  const ctx = document.createElement('canvas').getContext('2d');
  const found = [];
  for (const el of document.querySelectorAll('select')) {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) || el.multiple) continue;
    const option = el.options[el.selectedIndex];
    if (!option) continue;
    const style = getComputedStyle(el);
    ctx.font = style.font;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - ARROW;
    const text = option.text.trim();
    if (ctx.measureText(text).width > room + 1) found.push('select' + (el.id ? '#' + el.id : '') + ' "' + text + '"');
  }
  return found;
}"""


def cut_selects(page) -> list[str]:
    return page.evaluate(_CUT_SELECTS_JS)


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def overlapping_controls(page) -> list[str]:
    return page.evaluate(_OVERLAPS_JS)


def headings(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('h1')].map((h) => h.innerText.trim())")


def axe_violations(page) -> list[str]:
    """Critical and serious axe-core violations, one line each (rule, impact, first targets)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for violation in result["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return lines


def page_problems(page, *, check_axe: bool = True) -> list[str]:
    problems = []
    if (extra := horizontal_overflow(page)) > 0:
        problems.append(f"scrolls sideways by {extra} px")
    if not any(headings(page)):
        problems.append("no <h1> heading")
    problems += [f"overlap: {o}" for o in overlapping_controls(page)]
    problems += [f"cut: {c}" for c in cut_selects(page)]
    if check_axe:
        problems += [f"axe: {v}" for v in axe_violations(page)]
    return problems
