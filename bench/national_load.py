"""The concurrent client and the Chromium loads of bench/national.py.

throughput(): a bounded number of client threads, each on its own keep-alive connection,
cycling through pages for a fixed time on 127.0.0.1. browser_loads(): Chromium (the system's,
never a downloaded one) loading a page several times and noting, in the page itself, when the
plan tree or the follow-up table is first laid out and painted.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time

from run import percentile

CHROMIUM = "/usr/bin/chromium"
# Set up before the page's own scripts: note performance.now() at the first animation frame
# (the frame that paints it) after the element is in the document with a non-empty box.
VISIBLE_SCRIPT = """
(() => {
  const selector = %r;
  const visible = () => {
    const el = document.querySelector(selector);
    return el && el.getBoundingClientRect().height > 0;
  };
  const observer = new MutationObserver(() => {
    if (window.__foundAt === undefined && visible()) {
      window.__foundAt = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => { window.__visibleAt = performance.now(); });
    }
  });
  observer.observe(document, {childList: true, subtree: true});
})();
"""


def throughput(port: int, paths: list[str], cookie: str, clients: int, seconds: float) -> dict:
    """Run clients threads cycling through paths for seconds; return req/s and latencies."""
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_signal = threading.Event()
    deadline = [0.0]

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": f"sessionid={cookie}"}
        own: list[float] = []
        start_signal.wait()
        turn = index
        while time.perf_counter() < deadline[0]:
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                with lock:
                    errors.append(f"{path}: {error!r}")
                continue
            own.append((time.perf_counter() - started) * 1000)
            if status != 200:
                with lock:
                    errors.append(f"{path}: {status}")
        connection.close()
        with lock:
            timings.extend(own)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_signal.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    timings.sort()
    if not timings:
        raise RuntimeError(f"no request succeeded: {errors[:3]}")
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(timings),
        "errors": len(errors),
        "error_samples": errors[:5],
        "requests_per_s": round(len(timings) / elapsed, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "p99_ms": round(percentile(timings, 0.99), 1),
    }


def browser_loads(port: int, path: str, selector: str, cookie: str, loads: int) -> dict:
    """Load path in Chromium 2 + loads times; return navigation start → selector painted."""
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    visible, dom_ready = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--lang=fr-FR"],
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
            context.add_init_script(VISIBLE_SCRIPT % selector)
            page = context.new_page()
            for index in range(2 + loads):  # two warm-up loads fill the static files' cache
                response = page.goto(base + path, wait_until="load")
                if response is None or response.status != 200:
                    raise RuntimeError(f"{path} answered {response and response.status}")
                page.wait_for_selector(selector, state="visible")
                page.wait_for_function("window.__visibleAt !== undefined")
                figures = page.evaluate(
                    "() => [window.__visibleAt,"
                    " performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd]"
                )
                if index >= 2:
                    visible.append(figures[0])
                    dom_ready.append(figures[1])
        finally:
            browser.close()
    visible.sort()
    return {
        "p50_ms": round(statistics.median(visible), 1),
        "p95_ms": round(percentile(visible, 0.95), 1),
        "max_ms": round(visible[-1], 1),
        "dom_ready_p50_ms": round(statistics.median(dom_ready), 1),
        "loads": loads,
    }
