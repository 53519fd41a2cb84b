/**
 * Errors of the device layer. Each has a stable `code` so callers branch on codes, not on
 * messages (as undici does).
 */
export const DeviceErrorCode = Object.freeze({
  /** the device link is closed or was never opened */
  CLOSED: 'FLUE_DEVICE_CLOSED',
  /** an argument is outside what the device or memory accepts */
  BAD_ARGUMENT: 'FLUE_DEVICE_BAD_ARGUMENT',
  /** a register access got an error response or no response in time */
  MMIO_FAILED: 'FLUE_DEVICE_MMIO_FAILED',
  /** host memory is exhausted */
  NO_MEMORY: 'FLUE_DEVICE_NO_MEMORY',
  /** the native model could not be loaded (not built) */
  NOT_BUILT: 'FLUE_DEVICE_NOT_BUILT',
  /** the device does not identify as a flue NIC of a compatible contract version */
  INCOMPATIBLE: 'FLUE_DEVICE_INCOMPATIBLE',
  /** the device did not reach a state in the simulated time allowed */
  TIMEOUT: 'FLUE_DEVICE_TIMEOUT',
} as const);
export type DeviceErrorCode = (typeof DeviceErrorCode)[keyof typeof DeviceErrorCode];

export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
