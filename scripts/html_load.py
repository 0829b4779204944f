#!/usr/bin/env python3
"""make bench: load an HTML report in headless Chromium (through chromedriver)
and report how long it takes to become usable, and how long a filter takes.

Usage: html_load.py REPORT.html [--runs N]
Standard library only; talks W3C WebDriver to a chromedriver it starts.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"http://localhost:{port}{path}", data=data, method=method,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.load(r)["value"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    path = os.path.abspath(a.report)
    port = free_port()
    driver = subprocess.Popen([os.environ.get("SETTEI_CHROMEDRIVER", "/usr/bin/chromedriver"),
                               f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        profile = tempfile.mkdtemp(prefix="settei-bench-chromium-")
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": os.environ.get("SETTEI_CHROMIUM", "/usr/bin/chromium"),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                     "--window-size=1280,1600", f"--user-data-dir={profile}"]}}}}
        session = call(port, "POST", "/session", caps)["sessionId"]
        s = f"/session/{session}"
        loads, ready, filters = [], [], []
        for _ in range(a.runs):
            call(port, "POST", s + "/url", {"url": "about:blank"})
            t = time.perf_counter()
            call(port, "POST", s + "/url", {"url": "file://" + path})
            loads.append(time.perf_counter() - t)
            # Navigation normally returns after the load event; poll briefly in
            # case the driver answers early, and say what we saw if it never ends.
            for _ in range(300):
                nav = call(port, "POST", s + "/execute/sync", {"script": """
                    var n = performance.getEntriesByType('navigation')[0];
                    return [document.documentElement.dataset.ready, n ? n.domContentLoadedEventEnd : 0,
                            n ? n.loadEventEnd : 0, document.querySelectorAll('.finding').length,
                            location.href];""", "args": []})
                if nav[0] == "1" and nav[2] > 0:
                    break
                time.sleep(0.1)
            else:
                raise SystemExit(f"the page script did not finish: {nav}")
            ready.append(nav[2] / 1000.0)
            took = call(port, "POST", s + "/execute/sync", {"script": """
                var t = performance.now(), s = document.getElementById('f-status');
                s.value = '0'; s.dispatchEvent(new Event('change'));
                var ms = performance.now() - t; s.value = ''; s.dispatchEvent(new Event('change'));
                return ms;""", "args": []})
            filters.append(took / 1000.0)
        call(port, "DELETE", s)
        size = os.path.getsize(path)
        print("settei bench: HTML report in headless Chromium")
        print(f"  page:             {path} ({size / 1048576:.2f} MiB)")
        print(f"  load (navigate):  median {statistics.median(loads) * 1e3:.0f} ms "
              f"(min {min(loads) * 1e3:.0f}, max {max(loads) * 1e3:.0f}; {a.runs} runs)")
        print(f"  loadEventEnd:     median {statistics.median(ready) * 1e3:.0f} ms")
        print(f"  filter (status):  median {statistics.median(filters) * 1e3:.0f} ms")
    finally:
        driver.kill()
        driver.wait()


if __name__ == "__main__":
    sys.exit(main())
