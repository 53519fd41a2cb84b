/**
 * Checks every link to a card elsewhere makes the same way (a board's serial link, a simulator's
 * socket): that the card's HELLO names a flue card of this contract, and that a register
 * address is one the card has.
 */
import { CONTRACT_VERSION, ID_MAGIC, REG_SPACE_BYTES, type LinkHello } from '../../protocol/generated/contract.js';
import { DeviceError, DeviceErrorCode } from './errors.js';
import { hexAddr } from './memory.js';

/** The INCOMPATIBLE error a HELLO_REPLY earns, or undefined when it names a flue card of this contract's major version. */
export function helloProblem(name: string, hello: LinkHello): DeviceError | undefined {
  if (hello.id === ID_MAGIC && hello.version >>> 16 === CONTRACT_VERSION.major && hello.clockHz !== 0) return undefined;
  return new DeviceError(DeviceErrorCode.INCOMPATIBLE,
    `${name}: the card says ID 0x${hello.id.toString(16)}, version ${hello.version >>> 16}.${hello.version & 0xffff}, clock ${hello.clockHz} Hz; flue contract ${CONTRACT_VERSION.major}.x wants ID 0x${ID_MAGIC.toString(16)}`);
}

/** Throws BAD_ARGUMENT unless addr is a 32-bit register inside the register window. */
export function checkRegisterAddress(name: string, addr: number): void {
  if (!Number.isInteger(addr) || addr < 0 || addr >= REG_SPACE_BYTES || addr % 4 !== 0) {
    throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `${name}: register address ${hexAddr(addr)} is not a 32-bit register in the ${REG_SPACE_BYTES}-byte window`);
  }
}
