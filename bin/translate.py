#!/usr/bin/env python
"""Fill Dutch msgstr entries of a catalogue from a JSON or Python dict file.

    .venv/bin/python bin/translate.py procurement/locale/nl/LC_MESSAGES/django.po nl.json

The dict maps msgid → msgstr (for plurals: msgid → [singular, plural]). Entries already
translated are kept unless the dict names them; fuzzy flags on filled entries are removed.
Prints the msgids still untranslated.
"""

import ast
import json
import sys
from pathlib import Path

import polib


def main(po_path: str, mapping_path: str | None = None) -> int:
    po = polib.pofile(po_path)
    mapping = {}
    if mapping_path:
        text = Path(mapping_path).read_text()
        mapping = json.loads(text) if mapping_path.endswith(".json") else ast.literal_eval(text)
    for entry in po:
        if entry.obsolete:
            continue
        value = mapping.get(entry.msgid)
        if value is not None:
            if entry.msgid_plural:
                forms = value if isinstance(value, list) else [value, value]
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [
        e.msgid
        for e in po
        if not e.obsolete
        and ("fuzzy" in e.flags or not (e.msgstr or any(e.msgstr_plural.values())))
    ]
    for msgid in missing:
        print("UNTRANSLATED:", json.dumps(msgid, ensure_ascii=False))
    print(f"{po_path}: {len(missing)} untranslated of {len([e for e in po if not e.obsolete])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
