import { z } from 'zod';
import type { PanelState } from './panelState.js';

/**
 * Messages a session panel's webview sends its host. The webview is a web page, so
 * every message is validated here before anything acts on it.
 */
export const PanelToHostSchema = z.discriminatedUnion('type', [
  /** The page loaded and wants the current state. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('approve'), requestId: z.string().min(1).max(100), minutes: z.number().int().positive().max(24 * 60).optional() }),
  z.object({ type: z.literal('deny'), requestId: z.string().min(1).max(100) }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('showChanges') }),
  z.object({ type: z.literal('openWorktree') }),
  z.object({ type: z.literal('continueInTerminal') }),
  /** Push branch (`push`) or Open pull request (`pr`, a draft unless the page says otherwise). */
  z.object({ type: z.literal('ship'), action: z.enum(['push', 'pr']), draft: z.boolean().default(true) }),
  /** The page drew the state with this seq (lets tests and the host know what the user sees). */
  z.object({
    type: z.literal('rendered'),
    lastSeq: z.number().int().nonnegative(),
    state: z.string().max(50),
    approvals: z.number().int().nonnegative(),
    /** The action buttons the page shows (their `type` or `ship:action`), in order. */
    buttons: z.array(z.string().max(50)).max(20).default([]),
  }),
]);
export type PanelToHost = z.infer<typeof PanelToHostSchema>;

/**
 * Messages the host sends its panel's webview; `actionDone` re-enables the buttons of that
 * action; `outcome` says how a press ended (a pull request's link, or why it failed).
 */
export type HostToPanel =
  | { type: 'state'; state: PanelState }
  | { type: 'notice'; text: string }
  | { type: 'actionDone'; action: string }
  | { type: 'outcome'; text: string; url?: string; failed: boolean };

/** Names a button's action the way media/panel.js does (`type:requestId-or-action:minutes`). */
export function actionKey(message: { type: string; requestId?: string; action?: string; minutes?: number }): string {
  return [message.type, message.requestId ?? message.action ?? '', message.minutes ?? ''].join(':');
}

/** The state a serializer saves with `setState` so a reloaded window can revive the panel. */
export const PanelPersistedSchema = z.object({ sessionId: z.string().min(1).max(100) });
