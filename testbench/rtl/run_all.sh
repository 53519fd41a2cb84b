#!/usr/bin/env bash
# Run every RTL block bench under testbench/rtl/ (cocotb + Icarus) from the venv in $VENV.
# Exits non-zero if any bench fails; the last line is "N passed, M failed" (test counts).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${VENV:-/work/main/.venv}"
if [ ! -x "$VENV/bin/cocotb-config" ]; then
    echo "run_all: no cocotb in $VENV (python3 -m venv $VENV && $VENV/bin/pip install -r testbench/requirements.txt)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
export PATH="$VENV/bin:$PATH"

passed=0
failed=0
for dir in "$HERE"/*/; do
    bench="$(basename "$dir")"
    [ -f "$dir/Makefile" ] || continue
    log="$dir/run.log"
    rm -f "$dir/results.xml"
    make -C "$dir" > "$log" 2>&1
    rc=$?
    if [ -f "$dir/results.xml" ]; then
        n_tests=$(grep -c "<testcase" "$dir/results.xml")
        n_fail=$(grep -c "<failure" "$dir/results.xml")
    else
        n_tests=0
        n_fail=1
    fi
    if [ $rc -ne 0 ] && [ "$n_fail" -eq 0 ]; then
        n_fail=1
    fi
    n_pass=$((n_tests - n_fail))
    [ $n_pass -lt 0 ] && n_pass=0
    passed=$((passed + n_pass))
    failed=$((failed + n_fail))
    if [ "$n_fail" -eq 0 ]; then
        echo "PASS $bench ($n_pass tests)"
    else
        echo "FAIL $bench ($n_fail of $n_tests failed, see $log)"
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
