#!/usr/bin/env bash
# House rules that need no build: every C++ file as clang-format (.clang-format, Qt Creator's
# rules at 100 columns) would write it. Prints the files that drift and fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if git rev-parse --git-dir >/dev/null 2>&1; then
    list() { git ls-files -z '*.cpp' '*.h'; }
else
    list() { find app cli core tests ui \( -name '*.cpp' -o -name '*.h' \) -print0; }
fi
drift=$(list | xargs -0 clang-format --dry-run 2>&1 | grep -oE '^[^:]+:[0-9]+:[0-9]+: warning' | cut -d: -f1 | sort -u || true)
if [ -n "$drift" ]; then
    echo "clang-format would change these files (run: clang-format -i FILE):" >&2
    printf '  %s\n' $drift >&2
    exit 1
fi
