"""Times upload -> generated through the local server's HTTP API, and `tuilerie tile` on the
same file, alternately, and prints the medians and the pipeline's overhead.

usage: bench.py TUILERIE FILE MAX_ZOOM RUNS"""
import json
import os
import re
import shutil
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


def call(method, url, token=None, body=None, raw=None):
    headers = {}
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=600) as answer:
        text = answer.read()
        return json.loads(text) if text else None


def token(binary, data, email, admin=False):
    out = subprocess.run([binary, "token", "--email", email, "--data", data] + (["--admin"] if admin else []),
                         capture_output=True, text=True, check=True).stdout
    return re.search(r"eyJ[\w-]+\.[\w-]+\.[\w-]+", out).group(0)


def pipeline_run(binary, path, max_zoom):
    data = tempfile.mkdtemp(prefix="tuilerie-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(data, "serve.log"), "wb")
    server = subprocess.Popen([binary, "serve", "--data", data, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                call("GET", base + "/health")
                break
            except OSError:
                time.sleep(0.1)
        owner, admin = token(binary, data, "owner@bench.local"), token(binary, data, "admin@bench.local", True)
        request = call("POST", base + "/workspace-requests", owner, {"name": "Bench", "visibility": "private"})
        ws = call("POST", f"{base}/workspace-requests/{request['id']}/approve", admin, {"plan": "standard"})["id"]
        with open(path, "rb") as f:
            content = f.read()
        started = time.monotonic()
        ticket = call("POST", f"{base}/workspaces/{ws}/uploads", owner, {
            "file_name": os.path.basename(path), "size": len(content),
            "then": {"pyramid": {"min_zoom": 0, "max_zoom": max_zoom}}})
        call("PUT", ticket["upload_url"], raw=content)
        upload = ticket["upload"]["id"]
        while True:
            u = call("GET", f"{base}/workspaces/{ws}/uploads/{upload}", owner)
            if u["state"] == "failed":
                raise SystemExit(f"upload failed: {u['report']}")
            if u.get("pyramid"):
                p = call("GET", f"{base}/workspaces/{ws}/pyramids/{u['pyramid']}", owner)
                if p["state"] == "generated":
                    return time.monotonic() - started, p["size"]
                if p["state"] in ("failed", "cancelled"):
                    raise SystemExit(f"pyramid {p['state']}: {p.get('report')}")
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(10)
        log.close()
        shutil.rmtree(data, ignore_errors=True)


def tile_run(binary, path, max_zoom):
    out = tempfile.mkdtemp(prefix="tuilerie-bench-tile-")
    try:
        started = time.monotonic()
        subprocess.run([binary, "tile", path, "-o", os.path.join(out, "out.pmtiles"), "--min-zoom", "0",
                        "--max-zoom", str(max_zoom), "--json"], check=True, capture_output=True)
        return time.monotonic() - started, os.path.getsize(os.path.join(out, "out.pmtiles"))
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main():
    binary, path, max_zoom, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    served, direct = [], []
    for _ in range(runs):
        t, size_p = tile_run(binary, path, max_zoom)
        direct.append(t)
        t, size_s = pipeline_run(binary, path, max_zoom)
        served.append(t)
    d, s = statistics.median(direct), statistics.median(served)
    print(f"file {os.path.basename(path)} ({os.path.getsize(path)} bytes), zooms 0-{max_zoom}, {runs} runs each")
    print(f"tuilerie tile:               median {d:.2f} s (archive {size_p} bytes)")
    print(f"upload -> generated (serve): median {s:.2f} s (archive {size_s} bytes)")
    print(f"pipeline overhead: {100 * (s / d - 1):+.1f} % (target at most +15 %)")


if __name__ == "__main__":
    main()
