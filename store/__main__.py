"""`python -m store audit ...`: see store/audit.py."""

from __future__ import annotations

import sys

from store.audit import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] != "audit":
        print("usage: python -m store audit [--contact ID] [--user EMAIL] [--since DATE] [--json]")
        sys.exit(2)
    sys.exit(main(args[1:]))
