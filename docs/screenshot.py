"""Take docs/explore.png, the README's picture of `backprop explore`: the live PadhAI 4-4-2 page
with w212 edited to -0.3, w131 chosen, the step-through halfway and a hidden neuron hovered.
Needs chromium and playwright (pip install '.[test]').
Run: python docs/screenshot.py [--chromium /usr/bin/chromium]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out = Path(__file__).resolve().parent / "explore.png"
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "padhai.html"
        subprocess.run([sys.executable, "-m", "backprop_cli", "explore", "--example", "padhai-4-4-2", "-o",
                        str(page_file)], check=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(page_file.as_uri())
            field = page.locator('input[data-edit="w212"]')
            field.fill("-0.3")
            field.press("Enter")
            page.click('#params button[data-param="w131"]')
            for _ in range(14):  # the forward pass, and the backward pass down to z21 and z22
                page.click("#next")
            page.hover("#n-1-2")
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
