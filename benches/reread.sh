#!/usr/bin/env bash
# Drops the files of each FOLDER from the page cache and reads them back from disk, so that
# indexes being compared start alike: pages a build has just written answer slower than
# pages read from disk, and on a machine that reclaims idle page cache (DAMON, see the
# README's "Why the figures of this machine drift") an index left alone for a while is
# partly on disk again.
#
# Usage: benches/reread.sh FOLDER...   (paired.sh and scale.sh run it with REREAD=1)
set -euo pipefail
sync
python3 - "$@" <<'PY'
import os, sys
for folder in sys.argv[1:]:
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
                while f.read(1 << 20):
                    pass
PY
