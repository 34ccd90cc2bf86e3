"""The report's printable page in a real headless browser (Debian's Chromium): it loads offline and every chart
decodes and is shown at a real size. CI installs Chromium (.ci/run); elsewhere the test needs it on the PATH."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest

from core.report.render import render
from tests.core.report_sample import sample_report

CHECK = """
<script>
window.addEventListener("load", () => {
  const images = [...document.querySelectorAll("img")];
  const shown = images.filter((i) => {
    const box = i.getBoundingClientRect();
    const style = getComputedStyle(i);
    return i.complete && i.naturalWidth > 0 && box.width > 50 && box.height > 50
      && style.display !== "none" && style.visibility !== "hidden";
  });
  document.body.setAttribute("data-charts", `${shown.length}/${images.length}`);
});
</script>
"""


def _browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium` (CI installs it in .ci/run)")
    return found


async def test_every_chart_is_visible_in_a_real_browser(tmp_path: Path) -> None:
    files = render(sample_report())
    charts = [n for n in files.files if n.endswith(".png")]
    assert charts
    page = files.files["report.html"].decode()
    assert "</body>" in page
    (tmp_path / "report.html").write_text(page.replace("</body>", CHECK + "</body>"), encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        _browser(),
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        (tmp_path / "report.html").as_uri(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()[-2000:]
    found = re.search(r'data-charts="(\d+)/(\d+)"', out.decode())
    assert found, "the page's check did not run"
    shown, images = int(found[1]), int(found[2])
    assert images == len(charts)  # one image per chart, all embedded (no other files needed)
    assert shown == images
