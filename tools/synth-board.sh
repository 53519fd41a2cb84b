#!/usr/bin/env bash
# Synthesis check of the board top: Yosys synth_xilinx of arty_a7_top (7-series cells,
# flattened, out of context: no I/O buffers) from hdl/files.f, plus any files given as
# arguments, each replacing the repository file that defines the same module (e.g. a stand-in
# core: bash tools/synth-board.sh /tmp/stub/flue_board_core.v). Writes the resource report (Yosys `stat`, totals, and their share
# of the Arty A7-100T's XC7A100T) to build/synth/arty_a7_top.txt and the whole log to
# build/synth/arty_a7_top.log.
# Fails (non-zero) on a Yosys error, on any warning but the benign port resizing of Yosys
# 0.23's block-RAM mapping (a construct it ignores or cannot map warns), and on any latch.
# This is no bitstream: hdl/board/README.md says how to build one with Vivado.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRA=()
for f in "$@"; do
    EXTRA+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
done
cd "$ROOT"
OUT=build/synth
TOP=arty_a7_top
if ! command -v yosys >/dev/null; then
    echo "synth-board: yosys not found (bash tools/setup-apt.sh installs it)" >&2
    exit 1
fi
mkdir -p "$OUT"
rm -f "$OUT/$TOP.txt" "$OUT/$TOP.stat"

# files.f; a file given as an argument replaces the one defining the same module
FILES=()
while IFS= read -r f; do
    [ -n "$f" ] && FILES+=("$f")
done < hdl/files.f
for x in ${EXTRA[@]+"${EXTRA[@]}"}; do
    for m in $(sed -n 's/^[[:space:]]*module[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_$]*\).*/\1/p' "$x"); do
        KEEP=()
        for f in "${FILES[@]}"; do
            grep -qE "^[[:space:]]*module[[:space:]]+$m([^A-Za-z0-9_\$]|\$)" "$f" || KEEP+=("$f")
        done
        FILES=("${KEEP[@]}")
    done
    FILES+=("$x")
done
if ! grep -qs "module flue_board_core" "${FILES[@]}"; then
    echo "synth-board: no file defines flue_board_core (hdl/board/flue_board_core.v, or give one as an argument)" >&2
    exit 1
fi

cat > "$OUT/$TOP.ys" <<EOF
read_verilog -Iprotocol/generated -Ihdl/toe -Ihdl/lib ${FILES[*]}
hierarchy -check -top $TOP
synth_xilinx -top $TOP -flatten -noiopad
# latches: mapped (LDCE/LDPE) or left as generic cells
select -assert-none t:LDCE t:LDPE t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$_DLATCH_* t:\$_DLATCHSR_*
tee -q -o $OUT/$TOP.stat stat -tech xilinx
EOF

start=$SECONDS
if ! yosys -q -l "$OUT/$TOP.log" -w 'Resizing cell port' -e '.*' -s "$OUT/$TOP.ys" > /dev/null; then
    echo "synth-board: FAILED, see $OUT/$TOP.log:" >&2
    grep -E '^(ERROR|Warning)' "$OUT/$TOP.log" | head -20 >&2
    exit 1
fi
# totals by resource (a RAM32M/RAM64M is 4 LUTs of a SLICEM, a RAMB18E1 half a RAMB36E1), and
# their share of the XC7A100T-1CSG324C: 63400 LUTs, 126800 FFs, 135 RAMB36, 240 DSP48E1
awk '
    $1 ~ /^LUT[1-6]$/ { lut += $2 }
    $1 ~ /^FD[A-Z]+$/ { ff += $2 }
    $1 ~ /^SRL/ { srl += $2 }
    $1 ~ /^RAM(32|64|128|256)[MX]/ { lutram += ($1 ~ /M$/ ? 4 : ($1 ~ /^RAM(128|256)/ ? 2 : 1)) * $2; ram[$1] = $2 }
    $1 == "RAMB36E1" { b36 = $2 }
    $1 == "RAMB18E1" { b18 = $2 }
    $1 ~ /^DSP48/ { dsp += $2 }
    $1 == "CARRY4" { carry = $2 }
    END {
        luts = lut + lutram + srl
        bram = b36 + b18 / 2
        printf "\nSummary (Xilinx 7-series cells; share of the Arty A7-100T XC7A100T-1CSG324C)\n"
        printf "  LUT (logic)  %6d\n", lut
        printf "  LUTRAM       %6d LUTs (", lutram; sep = ""
        for (r in ram) { printf "%s%d %s", sep, ram[r], r; sep = ", " }
        printf ")\n"
        printf "  SRL          %6d\n", srl
        printf "  LUT (all)    %6d  %5.1f %% of 63400\n", luts, 100 * luts / 63400
        printf "  FF           %6d  %5.1f %% of 126800\n", ff, 100 * ff / 126800
        printf "  BRAM         %6.1f  %5.1f %% of 135 RAMB36 (%d RAMB36E1, %d RAMB18E1)\n", bram, 100 * bram / 135, b36, b18
        printf "  DSP          %6d  %5.1f %% of 240\n", dsp, 100 * dsp / 240
        printf "  CARRY4       %6d\n", carry
    }' "$OUT/$TOP.stat" > "$OUT/$TOP.summary"
cat "$OUT/$TOP.summary"
# written last and whole, so make never takes a half-finished report for a current one
{ cat "$OUT/$TOP.stat" "$OUT/$TOP.summary"; echo "  Yosys time  $((SECONDS - start)) s"; } > "$OUT/$TOP.txt.tmp"
mv "$OUT/$TOP.txt.tmp" "$OUT/$TOP.txt"
rm -f "$OUT/$TOP.summary" "$OUT/$TOP.stat"
echo "synth-board: $TOP OK in $((SECONDS - start)) s, report in $OUT/$TOP.txt"
