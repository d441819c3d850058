import { DispatchError } from '../../shared/errors.js';
import type { Bridge } from '../bridge.js';

/** Starts the bridge, turning "port in use" into advice. */
export async function startBridgeOrExplain(start: () => Promise<Bridge>, port: number): Promise<Bridge> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new DispatchError('bad_config', `Port ${port} is already in use (another Dispatch?). Stop it or set DISPATCH_PORT to a free port.`);
    }
    throw error;
  }
}
