"""Fill translations into a language's catalog from a JSON file {msgid: msgstr} (translators' helper).

    python tools/fill_po.py ko my-translations.json   # then: python -m bohbvis.i18n.extract ko

Each msgid goes wherever the extraction put it (any locales/<lang>/*.po); unknown ids are listed.
For a plural message give the singular msgid and the list of forms (Korean has one).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bohbvis.i18n.extract import I18N, _po_bytes  # noqa: E402


def main(lang: str, source: str) -> int:
    wanted = json.loads(Path(source).read_text(encoding="utf-8"))
    done = set()
    for po in sorted((I18N / "locales" / lang).glob("*.po")):
        with open(po, "rb") as f:
            cat = read_po(f)
        changed = False
        for m in cat:
            key = m.id if isinstance(m.id, str) else (m.id[0] if m.id else None)
            if key in wanted:
                value = wanted[key]
                m.string = tuple(value) if isinstance(m.id, (tuple, list)) else value
                changed, _ = True, done.add(key)
        if changed:
            po.write_bytes(_po_bytes(cat))
    unknown = sorted(set(wanted) - done)
    print(f"{len(done)} filled" + (f"; not in the catalog: {unknown}" if unknown else ""))
    return 1 if unknown else 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
