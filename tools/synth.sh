#!/usr/bin/env bash
# Synthesis check: Yosys synth_xilinx of nic_top (7-series cells, flattened, out of context: no
# I/O buffers) from hdl/files.f. Writes the resource report (Yosys `stat`: LUTs, FFs, LUTRAM,
# block RAM, DSP) to build/synth/nic_top.txt and the whole log to build/synth/yosys.log.
# Fails (non-zero) on a Yosys error, on any warning but the benign port resizing of Yosys
# 0.23's block-RAM mapping (a construct it ignores or cannot map warns), and on any latch.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT=build/synth
if ! command -v yosys >/dev/null; then
    echo "synth: yosys not found (bash tools/setup-apt.sh installs it)" >&2
    exit 1
fi
mkdir -p "$OUT"
rm -f "$OUT/nic_top.txt" "$OUT/nic_top.stat"

cat > "$OUT/nic_top.ys" <<EOF
read_verilog -Iprotocol/generated -Ihdl/toe -Ihdl/lib $(tr '\n' ' ' < hdl/files.f)
hierarchy -check -top nic_top
synth_xilinx -top nic_top -flatten -noiopad
# latches: mapped (LDCE/LDPE) or left as generic cells
select -assert-none t:LDCE t:LDPE t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$_DLATCH_* t:\$_DLATCHSR_*
tee -q -o $OUT/nic_top.stat stat -tech xilinx
EOF

# the connection count is nic_top's default, the one the report is for
TOE_CONN_WIDTH=$(sed -n 's/.*parameter TOE_CONN_WIDTH[^=]*= *\([0-9]*\).*/\1/p' hdl/nic_top.v)
start=$SECONDS
if ! yosys -q -l "$OUT/yosys.log" -w 'Resizing cell port' -e '.*' -s "$OUT/nic_top.ys" > /dev/null; then
    echo "synth: FAILED, see $OUT/yosys.log:" >&2
    grep -E '^(ERROR|Warning)' "$OUT/yosys.log" | head -20 >&2
    exit 1
fi
# totals by resource (a RAM32M/RAM64M is 4 LUTs of a SLICEM, a RAMB18E1 half a RAMB36E1)
awk -v conns=$((1 << TOE_CONN_WIDTH)) '
    $1 ~ /^LUT[1-6]$/ { lut += $2 }
    $1 ~ /^FD[A-Z]+$/ { ff += $2 }
    $1 ~ /^SRL/ { srl += $2 }
    $1 ~ /^RAM(32|64|128|256)[MX]/ { lutram += ($1 ~ /M$/ ? 4 : ($1 ~ /^RAM(128|256)/ ? 2 : 1)) * $2; ram[$1] = $2 }
    $1 == "RAMB36E1" { b36 = $2 }
    $1 == "RAMB18E1" { b18 = $2 }
    $1 ~ /^DSP48/ { dsp += $2 }
    $1 == "CARRY4" { carry = $2 }
    END {
        printf "\nSummary (Xilinx 7-series cells, TOE with %d connections)\n", conns
        printf "  LUT (logic)  %6d\n", lut
        printf "  LUTRAM       %6d LUTs (", lutram; sep = ""
        for (r in ram) { printf "%s%d %s", sep, ram[r], r; sep = ", " }
        printf ")\n"
        printf "  SRL          %6d\n", srl
        printf "  FF           %6d\n", ff
        printf "  BRAM         %6.1f RAMB36 (%d RAMB36E1, %d RAMB18E1)\n", b36 + b18 / 2, b36, b18
        printf "  DSP          %6d\n", dsp
        printf "  CARRY4       %6d\n", carry
    }' "$OUT/nic_top.stat" > "$OUT/summary.txt"
cat "$OUT/summary.txt"
# written last and whole, so make never takes a half-finished report for a current one
{ cat "$OUT/nic_top.stat" "$OUT/summary.txt"; echo "  Yosys time  $((SECONDS - start)) s"; } > "$OUT/nic_top.txt.tmp"
mv "$OUT/nic_top.txt.tmp" "$OUT/nic_top.txt"
rm -f "$OUT/summary.txt" "$OUT/nic_top.stat"
echo "synth: nic_top OK in $((SECONDS - start)) s, report in $OUT/nic_top.txt"
