/**
 * A serial port as a ByteLine (the serialport package): opened by path and baud, 8N1, raw. The
 * port closing or failing (the cable pulled, the pseudo-terminal's other end gone) is reported
 * once through onClose with the reason, so a LinkTransport above fails what it has outstanding.
 */
import { SerialPort } from 'serialport';
import { DeviceError, DeviceErrorCode } from '../errors.js';
import type { ByteLine } from './link-transport.js';

export interface SerialLineOptions {
  path: string;
  baudRate: number;
}

/** Opens the port; rejects with a DeviceError (CLOSED) naming the path when it cannot. */
export async function openSerialLine(options: SerialLineOptions): Promise<ByteLine> {
  if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) {
    throw new DeviceError(DeviceErrorCode.BAD_ARGUMENT, `serial port ${options.path}: baud rate ${options.baudRate} must be a positive integer`);
  }
  const port = new SerialPort({ path: options.path, baudRate: options.baudRate, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => {
    if (err) reject(new DeviceError(DeviceErrorCode.CLOSED, `serial port ${options.path}: cannot open (${err.message})`, { cause: err }));
    else resolve();
  }));
  const closers: ((reason: string) => void)[] = [];
  let gone: string | undefined;
  const goneBecause = (reason: string): void => {
    if (gone !== undefined) return;
    gone = reason;
    for (const c of closers) c(reason);
  };
  port.on('close', (err?: Error) => goneBecause(err ? `${options.path} closed: ${err.message}` : `${options.path} closed`));
  port.on('error', (err: Error) => {
    goneBecause(`${options.path}: ${err.message}`);
    if (port.isOpen) port.close(() => {});
  });
  return {
    write: (bytes) => {
      if (gone === undefined) port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
    onData: (listener) => { port.on('data', (b: Buffer) => listener(new Uint8Array(b.buffer, b.byteOffset, b.byteLength))); },
    onClose: (listener) => {
      if (gone !== undefined) listener(gone);
      else closers.push(listener);
    },
    close: () => {
      goneBecause(`${options.path} closed by the host`);
      if (port.isOpen) port.close(() => {});
    },
  };
}
