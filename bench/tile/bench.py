"""Runs tuilerie and tippecanoe on the same input and zoom range, in the same run, and prints
wall time, CPU time, peak RSS, tiles, bytes, largest tile, features present at the maximum zoom,
features dropped, and the ratios.

usage: bench.py WORK_DIR TUILERIE_BIN TIPPECANOE_BIN RUNS WORKLOAD...

Polygon workloads are also checked with GEOS (shapely `is_valid`) on both archives. The `scale`
workload tiles the communes under an address-space limit (prlimit --as) of a quarter of the
input size and checks that the archive is byte for byte the one of an unconstrained run.
"""
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time

ZOOMS = {"communes": 12, "coastline": 10, "points": 10, "mixed": 10}
HERE = os.path.dirname(os.path.abspath(__file__))
POLYGONS = ("communes", "coastline")
CHECK = os.path.join(HERE, "..", "..", "shared", "tiler", "tests", "check_polygons.py")


def measure(cmd, stdout):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with open(stdout, "w") as out:
        subprocess.run(cmd, stdout=out, check=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss": after.ru_maxrss * 1024}


def measure_isolated(cmd, stdout):
    """Measures in a fresh interpreter so that the peak RSS is this command's alone."""
    probe = (
        "import json,sys;sys.path.insert(0,%r);import bench;"
        "print(json.dumps(bench.measure(%r,%r)))" % (HERE, cmd, stdout)
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def inspect(archive):
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, "inspect_archive.py"), archive, "fid"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def validity(archive):
    out = subprocess.run([sys.executable, CHECK, archive], check=True, capture_output=True,
                         text=True)
    r = json.loads(out.stdout)
    return "%d/%d" % (r["invalid_count"], r["checked"]), r["zero_area_tile_count"]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def scale(work, tuilerie):
    src = os.path.join(work, "communes.geojson")
    size = os.path.getsize(src)
    limit = size // 4
    runs = {}
    for label, prefix in (("unconstrained", []), ("limited", ["prlimit", "--as=%d" % limit])):
        archive = os.path.join(work, "scale-%s.pmtiles" % label)
        log = os.path.join(work, "scale-%s.out" % label)
        cmd = prefix + [tuilerie, "tile", src, "-o", archive, "--min-zoom", "0", "--max-zoom",
                        "12", "--json", "--temp-dir", os.path.join(work, "tmp")]
        try:
            r = measure_isolated(cmd, log)
            r["sha256"] = sha256(archive)
        except subprocess.CalledProcessError as e:
            r = {"wall": 0, "cpu": 0, "rss": 0, "sha256": "failed: %s" % e}
        runs[label] = r
    print()
    print("scale: communes GeoJSON of %d MB tiled z0-12 under an address-space limit of %d MB"
          % (size // 2**20, limit // 2**20))
    for label, r in runs.items():
        print("%-14s wall %7.2f s  CPU %7.2f s  peak RSS %5.0f MB  sha256 %s" % (
            label, r["wall"], r["cpu"], r["rss"] / 2**20, r["sha256"][:16]))
    same = runs["unconstrained"]["sha256"] == runs["limited"]["sha256"]
    print("targets (input >= 4x the memory allowed, same archive): %s" % ("met" if same else "NOT met"))


def main():
    work, tuilerie, tippecanoe, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    print("machine: %s, %d CPUs (shared with other work: timings are indicative)"
          % (os.uname().machine, os.cpu_count()))
    for name in sys.argv[5:]:
        if name == "scale":
            scale(work, tuilerie)
            continue
        z = ZOOMS[name]
        src = os.path.join(work, name + ".geojson")
        with open(src + ".count") as c:
            expected = int(c.read())
        results = {}
        for tool in ("tuilerie", "tippecanoe"):
            archive = os.path.join(work, "%s-%s.pmtiles" % (name, tool))
            log = os.path.join(work, "%s-%s.out" % (name, tool))
            if tool == "tuilerie":
                cmd = [tuilerie, "tile", src, "-o", archive, "--min-zoom", "0",
                       "--max-zoom", str(z), "--json", "--temp-dir", os.path.join(work, "tmp")]
            else:
                cmd = [tippecanoe, "-q", "-f", "-Z0", "-z%d" % z, "--drop-densest-as-needed",
                       "-l", name, "-o", archive, src]
            samples = [measure_isolated(cmd, log) for _ in range(runs)]
            r = {k: statistics.median(s[k] for s in samples) for k in ("wall", "cpu", "rss")}
            r.update(inspect(archive))
            r["missing_at_max_zoom"] = expected - r["features_at_max_zoom"]
            if tool == "tuilerie":
                with open(log) as f:
                    rep = json.load(f)
                r["dropped"] = rep["features_dropped"]
            else:
                r["dropped"] = None
            if name in POLYGONS:
                r["invalid"], r["zero_area_tiles"] = validity(archive)
            else:
                r["invalid"], r["zero_area_tiles"] = None, None
            results[tool] = r
        a, b = results["tuilerie"], results["tippecanoe"]
        print()
        print("%s GeoJSON -> PMTiles z0-%d, %d features, median of %d run(s)" % (name, z, expected, runs))
        print("%-26s %14s %14s %10s" % ("", "tuilerie", "tippecanoe", "ratio"))

        def row(label, key, fmt, ratio=True):
            va, vb = a[key], b[key]
            sa = fmt(va) if va is not None else "n/a"
            sb = fmt(vb) if vb is not None else "n/a"
            rt = "%.1fx" % (vb / va) if ratio and va and vb else ""
            print("%-26s %14s %14s %10s" % (label, sa, sb, rt))

        row("wall time (s)", "wall", lambda v: "%.2f" % v)
        row("CPU time (s)", "cpu", lambda v: "%.2f" % v)
        row("peak RSS (MB)", "rss", lambda v: "%.0f" % (v / 2**20))
        row("tiles", "tiles", str, False)
        row("bytes", "bytes", str, False)
        row("largest tile (bytes)", "max_tile_bytes", str, False)
        row("features at max zoom", "features_at_max_zoom", str, False)
        row("missing at max zoom", "missing_at_max_zoom", str, False)
        row("dropped (tile occurrences)", "dropped", str, False)
        row("invalid polygons (GEOS)", "invalid", str, False)
        row("tiles of zero area", "zero_area_tiles", str, False)
        print("%-26s %14s" % ("archive size ratio", "%.2fx" % (a["bytes"] / b["bytes"])))
        ok = (b["wall"] / a["wall"] >= 5 and a["max_tile_bytes"] <= 500_000
              and a["missing_at_max_zoom"] == 0 and a["rss"] <= b["rss"]
              and a["bytes"] <= 1.5 * b["bytes"]
              and (a["invalid"] is None or a["invalid"].startswith("0/")))
        print("targets (>=5x faster, archive <= 1.5x, tiles <= 500 KB, all features at max zoom, "
              "RSS no higher, no invalid polygon): %s" % ("met" if ok else "NOT met"))


if __name__ == "__main__":
    main()
