#!/usr/bin/env python
"""Collect every msgid of Wagtail's admin-facing catalogs for Vietnamese.

Reads Wagtail's English source catalogs (``<pkg>/locale/en/LC_MESSAGES/
{django,djangojs}.po``) from the *installed* wagtail package with polib, takes
the union of msgids per domain (msgctxt and msgid_plural preserved), and works
out which ones already have a Vietnamese translation, in this priority order:

1. batch files ``scripts/i18n/work/<domain>-*.tsv`` (new / corrected work),
2. the project catalog ``locale/vi/LC_MESSAGES/<domain>.po`` (our translation
   memory - this is what keeps our reviewed wording across Wagtail upgrades),
3. Wagtail's own ``<pkg>/locale/vi/LC_MESSAGES/<domain>.po`` (non-fuzzy only).

Writes, per domain, into ``scripts/i18n/work/``:

* ``<domain>-todo.txt``      entries with no translation at all (to translate),
* ``<domain>-review.txt``    entries that would use Wagtail's own vi string
                             (to review; override by adding a batch line).

Each entry is identified by a short, stable id (sha1 of msgctxt+msgid), which
is what batch files refer to.  Vietnamese has ``nplurals=1; plural=0`` so a
plural entry needs exactly one translation (``msgstr[0]``).

Usage:  .venv/bin/python scripts/i18n/collect_wagtail_msgids.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    DOMAINS,
    WORK_DIR,
    escape,
    load_batches,
    load_en_entries,
    load_project_memory,
    load_wagtail_vi,
    short_id,
    wagtail_version,
)


def describe(sid, slot) -> str:
    e = slot["entry"]
    flags = ",".join(f for f in e.flags if f != "fuzzy")
    lines = [f"{sid} [{','.join(slot['packages'])}]" + (f" {{{flags}}}" if flags else "")]
    if e.msgctxt:
        lines.append(f"  ctx: {escape(e.msgctxt)}")
    lines.append(f"  id: {escape(e.msgid)}")
    if e.msgid_plural:
        lines.append(f"  pl: {escape(e.msgid_plural)}")
    return "\n".join(lines)


def main() -> int:
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    print(f"wagtail {wagtail_version()}")
    for domain in DOMAINS:
        en = load_en_entries(domain)
        ids = {}
        for key in en:
            sid = short_id(key)
            if sid in ids:
                raise SystemExit(f"short id collision: {sid}")
            ids[sid] = key
        batches = load_batches(domain, ids)
        proj, _own = load_project_memory(domain, en)
        wvi = load_wagtail_vi(domain)

        todo, review = [], []
        counts = {"batch": 0, "project": 0, "wagtail-vi": 0, "todo": 0}
        for key, slot in en.items():
            sid = short_id(key)
            if key in batches:
                counts["batch"] += 1
            elif key in proj:
                counts["project"] += 1
            elif key in wvi:
                counts["wagtail-vi"] += 1
                review.append(describe(sid, slot) + f"\n  vi: {escape(wvi[key])}")
            else:
                counts["todo"] += 1
                todo.append(describe(sid, slot))
        (WORK_DIR / f"{domain}-todo.txt").write_text("\n".join(todo) + "\n", "utf-8")
        (WORK_DIR / f"{domain}-review.txt").write_text("\n".join(review) + "\n", "utf-8")
        plural = sum(1 for s in en.values() if s["entry"].msgid_plural)
        print(f"{domain}: {len(en)} msgids ({plural} plural) -> {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
