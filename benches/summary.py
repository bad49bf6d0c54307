"""Summarizes benches/compare.sh: medians over the kit's queries and ratios to each peer."""
import glob, json, os, statistics, sys

out = sys.argv[1]
def load(name):
    with open(os.path.join(out, name)) as f:
        return json.load(f)

def median_ms(path):
    return load(path)["results"][0]["median"] * 1000

n = len(glob.glob(os.path.join(out, "citedex-q*.query")))
cit = [median_ms(f"citedex-q{i}.json") for i in range(1, n + 1)]
cit_upd = [median_ms(f"citedex-upd-q{i}.json") for i in range(1, n + 1)]
fts5, tant, rg = load("fts5.json"), load("tantivy.json"), load("ripgrep.json")

def peer(data, key):
    vals = []
    for q in data["queries"]:
        v = q
        for k in key:
            v = v.get(k) if isinstance(v, dict) else None
        if v is not None:
            vals.append(v)
    return vals

rows = [
    ("citedex search --no-update", cit),
    ("citedex search (checks the corpus first)", cit_upd),
    ("sqlite3 shell, FTS5 top 10 + snippet()", peer(fts5, ["process_ms", "median_ms"])),
    ("tantivy-probe search, top 10 + snippets", peer(tant, ["probe_process_ms", "median_ms"])),
    ("tantivy search (all matches, unranked)", peer(tant, ["cli_search_process_ms", "median_ms"])),
    ("rg --count (no index)", peer(rg, ["process_ms", "median_ms"])),
]
base = statistics.median(cit)
print(f"{'per-process query time':<45} {'median ms':>10} {'max ms':>8} {'citedex ratio':>14}")
for name, vals in rows:
    if not vals:
        print(f"{name:<45} {'-':>10}")
        continue
    m = statistics.median(vals)
    print(f"{name:<45} {m:>10.2f} {max(vals):>8.2f} {base / m:>13.2f}x")

builds = []
for i in (1, 2, 3):
    wall, rss = open(os.path.join(out, f"citedex-build-{i}.time")).read().split()
    builds.append((float(wall), int(rss) / 1024))
wall = statistics.median(b[0] for b in builds)
rss = statistics.median(b[1] for b in builds)
size = int(open(os.path.join(out, "citedex-index.bytes")).read()) / 1e6
print()
print(f"{'index build':<45} {'wall s':>10} {'max RSS MB':>11} {'index MB':>9}")
print(f"{'citedex index (median of 3)':<45} {wall:>10.2f} {rss:>11.0f} {size:>9.1f}")
b = fts5["build"]
print(f"{'sqlite FTS5 insert + optimize':<45} {b['wall_s']:>10.2f} {b['max_rss_mb']:>11.0f} {fts5['index_bytes'] / 1e6:>9.1f}")
tb = tant.get("build", {})
for k, v in tb.items():
    if isinstance(v, dict) and "wall_s" in v:
        print(f"{'tantivy-cli ' + k:<45} {v['wall_s']:>10.2f} {v.get('max_rss_mb', 0):>11.0f}")
print(f"{'tantivy-cli index bytes':<45} {'':>10} {'':>11} {tant.get('index_bytes', 0) / 1e6:>9.1f}")

# Where citedex's build time went: the stage line of the median build.
median_build = sorted(range(3), key=lambda i: builds[i][0])[1] + 1
for line in open(os.path.join(out, f"citedex-build-{median_build}.log")):
    if line.startswith("timings: "):
        print()
        print(f"citedex index stages (build {median_build}):")
        for part in line[len("timings: "):].strip().split("; "):
            print(f"  {part}")
