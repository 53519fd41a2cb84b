import { describe, expect, it } from 'vitest';
import { CplStatus } from '../../../protocol/generated/contract.js';
import { NdisStatus } from '../../ndis/status.js';
import { ioStatus } from './chimney.js';

describe('the NDIS status of an I/O request the card completed', () => {
  it('R40 R42 R44: a send the card refused for want of send entries is NDIS_STATUS_RESOURCES (its bytes are still the host\'s to send), never REQUEST_ABORTED (lost, as after an RST)', () => {
    expect(ioStatus(CplStatus.RESOURCES)).toBe(NdisStatus.RESOURCES);
    expect(ioStatus(CplStatus.OK)).toBe(NdisStatus.SUCCESS);
    expect(ioStatus(CplStatus.UPLOAD_IN_PROGRESS)).toBe(NdisStatus.UPLOAD_IN_PROGRESS);
    expect(ioStatus(CplStatus.INVALID_STATE)).toBe(NdisStatus.INVALID_STATE);
    expect(ioStatus(CplStatus.ABORTED)).toBe(NdisStatus.REQUEST_ABORTED);
  });
});
