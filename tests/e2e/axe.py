"""Run axe-core in a Playwright page and report its violations in a readable form.

axe is evaluated through the DevTools protocol rather than added as a ``<script>`` element, so
Lectern's strict Content-Security-Policy (script-src 'self', no inline script) stays in force
while the page is checked.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"

# WCAG 2.0 and 2.1, levels A and AA. axe's "best-practice" rules are advice, not conformance.
RULE_SETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_JS = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """The page's WCAG 2.1 A/AA violations as found by axe (an empty list when clean)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    version = page.evaluate("() => window.axe.version")
    assert version == AXE_VERSION, f"expected axe {AXE_VERSION}, found {version}"
    return page.evaluate(RUN_JS, RULE_SETS)


def format_violations(url: str, violations: list[dict]) -> str:
    """One line per failing element: where, which rule and why."""
    lines = [f"{url}: {len(violations)} axe violation(s)"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"      {node['target']} — {summary}")
    return "\n".join(lines)
