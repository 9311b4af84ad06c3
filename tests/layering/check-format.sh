#!/usr/bin/env bash
# The C++ tree as .clang-format writes it: lists every file clang-format would change.
# Usage: check-format.sh SOURCE_DIR. Fix with: clang-format -i FILE (or the whole list).
set -euo pipefail
cd "$1"
mapfile -t files < <(find policy idna dns tls mta tools asio tests bench \( -name '*.h' -o -name '*.cpp' \) -not -path '*/corpus/*' | sort)
clang-format --dry-run --Werror "${files[@]}" 2>&1 | grep -o '^[^:]*:' | sort -u || true
clang-format --dry-run --Werror "${files[@]}" > /dev/null 2>&1
echo "${#files[@]} files as .clang-format writes them"
