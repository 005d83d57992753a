#!/usr/bin/env python3
"""Writes assets/images/catalogue.min.json from assets/images/catalogue.json: the fields the
simulation reads, without the notes, sources, full versions and compressed sizes that are there for
people (docs/IMAGES.md), and without whitespace. The site embeds the small file; a test
(src/sim/docker/catalogue.rs, min_file_is_the_full_file_stripped) fails when the two disagree.

    python3 scripts/minify-catalogue.py
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
FULL = ROOT / "assets/images/catalogue.json"
MIN = ROOT / "assets/images/catalogue.min.json"
DROP = ["notes", "source", "full_versions", "data_dir"]
VARIANT_KEEP = ["suffix", "size_bytes", "tools"]

full = json.loads(FULL.read_text())
out = {"schema": full["schema"], "repositories": []}
for repo in full["repositories"]:
    repo = {k: v for k, v in repo.items() if k not in DROP}
    repo["variants"] = [{k: v for k, v in x.items() if k in VARIANT_KEEP} for x in repo["variants"]]
    out["repositories"].append(repo)
MIN.write_text(json.dumps(out, separators=(",", ":"), ensure_ascii=False) + "\n")
print(f"wrote {MIN.relative_to(ROOT)} ({MIN.stat().st_size} bytes)")
