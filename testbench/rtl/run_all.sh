#!/usr/bin/env bash
# Run every RTL block bench under testbench/rtl/ (cocotb + Icarus) from the venv in $VENV, or
# only the benches named as arguments. A bench whose Makefile sets VARIANTS runs once per
# variant (see common.mk). Exits non-zero if any bench fails; the last line is
# "N passed, M failed" (test counts).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${VENV:-/work/main/.venv}"
if [ ! -x "$VENV/bin/cocotb-config" ]; then
    echo "run_all: no cocotb in $VENV (python3 -m venv $VENV && $VENV/bin/pip install -r testbench/requirements.txt)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
export PATH="$VENV/bin:$PATH"
# Each bench's make stands alone: flags inherited from a make above (make test runs this under
# make -j2) would make it print "Entering directory" lines into the variant list read below.
unset MAKEFLAGS MFLAGS MAKELEVEL

passed=0
failed=0

# run_one DIR NAME [VAR=VALUE...]: one make of a bench; adds its test counts to the totals
run_one() {
    local dir="$1" name="$2"
    shift 2
    local tag=""
    case "$name" in *:*) tag="${name#*:}" ;; esac
    local log="$dir/run${tag:+_$tag}.log"
    local results="$dir/results${tag:+_$tag}.xml"
    rm -f "$results"
    # the results file is the goal cocotb's default goal makes through a second make
    if [ -n "$tag" ]; then
        COCOTB_RESULTS_FILE="$results" make -C "$dir" SIM_BUILD="sim_build/$tag" "$@" "$results" > "$log" 2>&1
    else
        COCOTB_RESULTS_FILE="$results" make -C "$dir" "$results" > "$log" 2>&1
    fi
    local rc=$?
    local n_tests n_fail
    if [ -f "$results" ]; then
        n_tests=$(grep -c "<testcase" "$results")
        n_fail=$(grep -c "<failure" "$results")
    else
        n_tests=0
        n_fail=1
    fi
    if [ $rc -ne 0 ] && [ "$n_fail" -eq 0 ]; then
        n_fail=1
    fi
    local n_pass=$((n_tests - n_fail))
    [ $n_pass -lt 0 ] && n_pass=0
    passed=$((passed + n_pass))
    failed=$((failed + n_fail))
    if [ "$n_fail" -eq 0 ]; then
        echo "PASS $name ($n_pass tests)"
    else
        echo "FAIL $name ($n_fail of $n_tests failed, see $log)"
    fi
}

if [ $# -gt 0 ]; then
    dirs=()
    for b in "$@"; do dirs+=("$HERE/$b/"); done
else
    dirs=("$HERE"/*/)
fi

for dir in "${dirs[@]}"; do
    dir="${dir%/}"
    bench="$(basename "$dir")"
    [ -f "$dir/Makefile" ] || continue
    variants="$(make -s --no-print-directory -C "$dir" variants 2>/dev/null)"
    if [ -z "$variants" ]; then
        run_one "$dir" "$bench"
        continue
    fi
    for v in $variants; do
        # PARAM_A=1,PARAM_B=2 -> tag A1_B2, make arguments PARAM_A=1 PARAM_B=2
        tag="$(echo "$v" | sed -e 's/PARAM_//g' -e 's/=//g' -e 's/,/_/g')"
        # shellcheck disable=SC2046
        run_one "$dir" "$bench:$tag" $(echo "$v" | tr ',' ' ')
    done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
