import { asDispatchError, DispatchError } from '../../../shared/errors.js';
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
  /** Where bridgeUrl came from (`dispatch.bridgeUrl` or DISPATCH_BRIDGE_URL), for the error a bad entry makes. */
  bridgeSetting?: string;
  /** Undefined: no runner token in the environment or under DISPATCH_HOME. */
  token: string | undefined;
  agent: string;
  logger: Logger;
  onChange: (info: LinkInfo) => void;
  backoff?: { minMs: number; maxMs: number };
  /** How long a refused token waits before one more try (tests shorten it). */
  refusedRetryMs?: number;
}

/** A refused token is not retried every few seconds: the bridge would only refuse it again. */
const REFUSED_RETRY_MS = 15 * 60_000;

/**
 * Connect / Disconnect for the editor. A BridgeLink cannot be restarted once stopped
 * (it drops its event subscription), so each connect makes a fresh one; status from a
 * link that was replaced is ignored.
 */
export class LinkControl {
  private link: BridgeLink | undefined;
  private refusedRetry: NodeJS.Timeout | undefined;
  private current: Pick<LinkInfo, 'status' | 'detail' | 'paired'>;

  constructor(private readonly options: LinkControlOptions) {
    this.current = this.configured() ? { status: 'offline' } : { status: 'unconfigured', detail: this.missing() };
  }

  info(): LinkInfo {
    const { identity, bridgeUrl } = this.options;
    // Of several bridges, the one the link holds (or dials) now.
    return { ...this.current, machineId: identity.machineId, machineName: identity.machineName, bridgeUrl: this.link?.bridgeUrl ?? bridgeUrl };
  }

  /** Starts a new link (dropping any current one); unconfigured stays unconfigured. */
  async connect(): Promise<LinkInfo> {
    await this.dropLink();
    if (!this.configured()) {
      this.update({ status: 'unconfigured', detail: this.missing() });
      return this.info();
    }
    const { runner, identity, bridgeUrl, bridgeSetting, token, agent, logger, backoff } = this.options;
    let link: BridgeLink;
    try {
      link = new BridgeLink({ bridgeUrl, ...(bridgeSetting ? { bridgeSetting } : {}), token: token ?? '', runner, identity, agent, logger: logger.child({ part: 'link' }), ...(backoff ? { backoff } : {}) });
    } catch (error) {
      // A bad entry in dispatch.bridgeUrl: nothing to dial until the setting is fixed.
      this.update({ status: 'unconfigured', detail: asDispatchError(error).message });
      return this.info();
    }
    this.link = link;
    link.onStatus((status, detail, code) => {
      if (this.link !== link) return;
      if (code === 'unauthorized') return this.refused(detail);
      this.update({ status, ...(detail ? { detail } : {}), ...(link.paired !== undefined ? { paired: link.paired } : {}) });
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

  /**
   * The bridge refused the token: stop dialling (the editor asks for a new token, and
   * a new token restarts the runner); try once more much later, in case the bridge's
   * token was the one that changed.
   */
  private refused(detail: string | undefined): void {
    this.options.logger.warn('the bridge refused the runner token; not retrying until a new token is set');
    void this.dropLink().then(() => {
      if (this.link !== undefined) return;
      this.update({ status: 'unauthorized', detail: `${detail ?? 'The bridge refused this runner.'} Set the right token with "Dispatch: Set Runner Token".` });
      this.refusedRetry = setTimeout(() => void this.connect(), this.options.refusedRetryMs ?? REFUSED_RETRY_MS);
      this.refusedRetry.unref();
    });
  }

  private async dropLink(): Promise<void> {
    clearTimeout(this.refusedRetry);
    this.refusedRetry = undefined;
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
