# Constraints for arty_a7_top on the Digilent Arty A7-100T (XC7A100T-1CSG324C).
# Pin locations: Digilent's Arty-A7-100 master XDC (Rev. D board), port names as there.
# Every pin is LVCMOS33 (all banks used here are at 3.3 V).

# Configuration bank voltage
set_property CFGBVS VCCO [current_design]
set_property CONFIG_VOLTAGE 3.3 [current_design]

## Clock: 100 MHz oscillator
set_property -dict { PACKAGE_PIN E3  IOSTANDARD LVCMOS33 } [get_ports { CLK100MHZ }]
create_clock -name sys_clk -period 10.000 -waveform {0.000 5.000} [get_ports { CLK100MHZ }]

## Reset button (red, active low)
set_property -dict { PACKAGE_PIN C2  IOSTANDARD LVCMOS33 } [get_ports { ck_rst }]

## USB-UART (FT2232): uart_txd_in host -> FPGA, uart_rxd_out FPGA -> host
set_property -dict { PACKAGE_PIN A9  IOSTANDARD LVCMOS33 } [get_ports { uart_txd_in }]
set_property -dict { PACKAGE_PIN D10 IOSTANDARD LVCMOS33 } [get_ports { uart_rxd_out }]

## Green LEDs LD4..LD7
set_property -dict { PACKAGE_PIN H5  IOSTANDARD LVCMOS33 } [get_ports { led[0] }]
set_property -dict { PACKAGE_PIN J5  IOSTANDARD LVCMOS33 } [get_ports { led[1] }]
set_property -dict { PACKAGE_PIN T9  IOSTANDARD LVCMOS33 } [get_ports { led[2] }]
set_property -dict { PACKAGE_PIN T10 IOSTANDARD LVCMOS33 } [get_ports { led[3] }]

## Ethernet PHY (TI DP83848J, MII)
set_property -dict { PACKAGE_PIN G18 IOSTANDARD LVCMOS33 } [get_ports { eth_ref_clk }]
set_property -dict { PACKAGE_PIN C16 IOSTANDARD LVCMOS33 } [get_ports { eth_rstn }]
set_property -dict { PACKAGE_PIN F16 IOSTANDARD LVCMOS33 } [get_ports { eth_mdc }]
set_property -dict { PACKAGE_PIN K13 IOSTANDARD LVCMOS33 } [get_ports { eth_mdio }]
set_property -dict { PACKAGE_PIN D17 IOSTANDARD LVCMOS33 } [get_ports { eth_col }]
set_property -dict { PACKAGE_PIN G14 IOSTANDARD LVCMOS33 } [get_ports { eth_crs }]
set_property -dict { PACKAGE_PIN H16 IOSTANDARD LVCMOS33 } [get_ports { eth_tx_clk }]
set_property -dict { PACKAGE_PIN H15 IOSTANDARD LVCMOS33 } [get_ports { eth_tx_en }]
set_property -dict { PACKAGE_PIN H14 IOSTANDARD LVCMOS33 } [get_ports { eth_txd[0] }]
set_property -dict { PACKAGE_PIN J14 IOSTANDARD LVCMOS33 } [get_ports { eth_txd[1] }]
set_property -dict { PACKAGE_PIN J13 IOSTANDARD LVCMOS33 } [get_ports { eth_txd[2] }]
set_property -dict { PACKAGE_PIN H17 IOSTANDARD LVCMOS33 } [get_ports { eth_txd[3] }]
set_property -dict { PACKAGE_PIN F15 IOSTANDARD LVCMOS33 } [get_ports { eth_rx_clk }]
set_property -dict { PACKAGE_PIN G16 IOSTANDARD LVCMOS33 } [get_ports { eth_rx_dv }]
set_property -dict { PACKAGE_PIN C17 IOSTANDARD LVCMOS33 } [get_ports { eth_rxerr }]
set_property -dict { PACKAGE_PIN D18 IOSTANDARD LVCMOS33 } [get_ports { eth_rxd[0] }]
set_property -dict { PACKAGE_PIN E17 IOSTANDARD LVCMOS33 } [get_ports { eth_rxd[1] }]
set_property -dict { PACKAGE_PIN E18 IOSTANDARD LVCMOS33 } [get_ports { eth_rxd[2] }]
set_property -dict { PACKAGE_PIN G17 IOSTANDARD LVCMOS33 } [get_ports { eth_rxd[3] }]

## PHY clocks: 25 MHz at 100 Mbit/s (2.5 MHz at 10 Mbit/s, which 40 ns covers)
create_clock -name eth_tx_clk -period 40.000 [get_ports { eth_tx_clk }]
create_clock -name eth_rx_clk -period 40.000 [get_ports { eth_rx_clk }]

# The three clocks are unrelated: every crossing goes through two-flop synchronisers
# (axis_async_fifo's gray pointers and handshake, sync_pulse, the MII reset synchronisers).
set_clock_groups -asynchronous -group [get_clocks sys_clk] -group [get_clocks eth_tx_clk] -group [get_clocks eth_rx_clk]

## MII timing at the MAC (IEEE 802.3 clause 22, as MAC data sheets give it): TXD/TX_EN valid
## 0..25 ns after TX_CLK rises; RXD/RX_DV/RX_ER set up 10 ns before and held 10 ns after RX_CLK
## rises. The MAC's MII registers go into the IOBs.
set_output_delay -clock eth_tx_clk -max 15.000 [get_ports { eth_txd[*] eth_tx_en }]
set_output_delay -clock eth_tx_clk -min 0.000 [get_ports { eth_txd[*] eth_tx_en }]
set_input_delay -clock eth_rx_clk -max 30.000 [get_ports { eth_rxd[*] eth_rx_dv eth_rxerr }]
set_input_delay -clock eth_rx_clk -min 10.000 [get_ports { eth_rxd[*] eth_rx_dv eth_rxerr }]
set_property IOB TRUE [get_ports { eth_txd[*] eth_tx_en eth_rxd[*] eth_rx_dv eth_rxerr }]

## Asynchronous and static pins: the reset button and the UART input go through two-flop
## synchronisers; LEDs, the PHY reset, MDC and the UART output are slow or static; the PHY
## reference clock is a register output the PHY only needs as a frequency; COL, CRS and MDIO
## are not used.
set_false_path -from [get_ports { ck_rst uart_txd_in eth_col eth_crs eth_mdio }]
set_false_path -to [get_ports { led[*] eth_rstn eth_mdc uart_rxd_out eth_ref_clk }]
