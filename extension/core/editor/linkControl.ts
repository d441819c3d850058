import { DispatchError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import type { LinkInfo } from '../../../shared/protocol/runnerEditor.js';
import { BridgeLink } from '../link/bridgeLink.js';
import type { MachineIdentity } from '../link/machineIdentity.js';
import type { Runner } from '../runner.js';

export interface LinkControlOptions {
  runner: Runner;
  identity: MachineIdentity;
  /** Empty: no bridge configured. */
  bridgeUrl: string;
  /** Undefined: no runner token in the environment or under DISPATCH_HOME. */
  token: string | undefined;
  agent: string;
  logger: Logger;
  onChange: (info: LinkInfo) => void;
  backoff?: { minMs: number; maxMs: number };
}

/**
 * Connect / Disconnect for the editor. A BridgeLink cannot be restarted once stopped
 * (it drops its event subscription), so each connect makes a fresh one; status from a
 * link that was replaced is ignored.
 */
export class LinkControl {
  private link: BridgeLink | undefined;
  private current: Pick<LinkInfo, 'status' | 'detail' | 'paired'>;

  constructor(private readonly options: LinkControlOptions) {
    this.current = this.configured() ? { status: 'offline' } : { status: 'unconfigured', detail: this.missing() };
  }

  info(): LinkInfo {
    const { identity, bridgeUrl } = this.options;
    return { ...this.current, machineId: identity.machineId, machineName: identity.machineName, bridgeUrl };
  }

  /** Starts a new link (dropping any current one); unconfigured stays unconfigured. */
  async connect(): Promise<LinkInfo> {
    await this.dropLink();
    if (!this.configured()) {
      this.update({ status: 'unconfigured', detail: this.missing() });
      return this.info();
    }
    const { runner, identity, bridgeUrl, token, agent, logger, backoff } = this.options;
    const link = new BridgeLink({ bridgeUrl, token: token ?? '', runner, identity, agent, logger: logger.child({ part: 'link' }), ...(backoff ? { backoff } : {}) });
    this.link = link;
    link.onStatus((status, detail) => {
      if (this.link === link) this.update({ status, ...(detail ? { detail } : {}), ...(link.paired !== undefined ? { paired: link.paired } : {}) });
    });
    link.onPairedChange((paired) => {
      if (this.link === link) this.update({ ...this.current, paired });
    });
    link.start();
    return this.info();
  }

  async disconnect(): Promise<LinkInfo> {
    await this.dropLink();
    this.update(this.configured() ? { status: 'disconnected' } : { status: 'unconfigured', detail: this.missing() });
    return this.info();
  }

  async createPairingCode(): Promise<{ code: string; expiresAt: number }> {
    if (!this.link || this.current.status !== 'online') {
      throw new DispatchError('offline', `Not connected to the bridge (${this.current.status}${this.current.detail ? `: ${this.current.detail}` : ''}); connect first.`);
    }
    return this.link.createPairingCode();
  }

  async stop(): Promise<void> {
    await this.dropLink();
  }

  private async dropLink(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    await link?.stop();
  }

  private configured(): boolean {
    return Boolean(this.options.bridgeUrl && this.options.token);
  }

  private missing(): string {
    if (!this.options.bridgeUrl) return 'Set dispatch.bridgeUrl to your bridge (e.g. ws://127.0.0.1:7878).';
    return 'No runner token: run "Dispatch: Set Runner Token".';
  }

  private update(next: Pick<LinkInfo, 'status' | 'detail' | 'paired'>): void {
    if (next.status === this.current.status && next.detail === this.current.detail && next.paired === this.current.paired) return;
    this.current = next;
    this.options.onChange(this.info());
  }
}
