"""Times `tuilerie ingest` against GDAL on the same Shapefile: several runs each, median wall
time and peak RSS (from getrusage of a measuring child process), and the ratio.

usage: driver.py TUILERIE INPUT.shp WORK_DIR [RUNS]
"""
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def measure(command):
    """Runs `command` in a child and returns (seconds, peak RSS in MiB) of that child."""
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "elapsed = time.perf_counter() - start\n"
        "print(json.dumps([elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    tuilerie, source, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    here = Path(__file__).parent
    results = {"tuilerie": [], "gdal": []}
    for run in range(runs):
        db = work / f"tuilerie-db-{run}"
        shutil.rmtree(db, ignore_errors=True)
        results["tuilerie"].append(measure([tuilerie, "ingest", str(source), "-o", str(db)]))
        fgb = work / f"gdal-{run}.fgb"
        fgb.unlink(missing_ok=True)
        results["gdal"].append(measure([sys.executable, str(here / "gdal_convert.py"), str(source), str(fgb)]))
    summary = {}
    for name, samples in results.items():
        summary[name] = (statistics.median(s[0] for s in samples), max(s[1] for s in samples))
        print(f"{name:9} median {summary[name][0]:7.3f} s  peak RSS {summary[name][1]:7.1f} MiB  runs {[round(s[0], 3) for s in samples]}")
    ratio = summary["gdal"][0] / summary["tuilerie"][0]
    print(f"speed-up: tuilerie ingest is {ratio:.2f}x faster than GDAL (target >= 2x)")
    print(f"memory: tuilerie {summary['tuilerie'][1]:.0f} MiB vs GDAL {summary['gdal'][1]:.0f} MiB")


if __name__ == "__main__":
    main()
