#!/usr/bin/env bash
# Every source file of the crates and the desktop shell stays under 600 lines, not counting
# its unit tests (everything from a top-level `#[cfg(test)]` on). Run by `make lint`.
#
# Exit 0 when every file fits; 1, naming each file that does not, with its count.
set -euo pipefail
cd "$(dirname "$0")/.."

limit=600
status=0
while IFS= read -r file; do
    lines=$(awk '/^#\[cfg\(test\)\]/ { exit } { n++ } END { print n + 0 }' "$file")
    if [ "$lines" -gt "$limit" ]; then
        echo "$file: $lines lines before its tests (the limit is $limit): cut it along a seam" >&2
        status=1
    fi
done < <(git ls-files 'crates/*/src/*.rs' 'src-tauri/src/*.rs')
exit $status
