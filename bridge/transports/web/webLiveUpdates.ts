/**
 * The `web` wake-up between bridges: "this user's history changed: message X was added or
 * edited, by bridge B". Only ids travel; the message itself is read from the store.
 * Written `user:kind:bridge:message` (bridge ids carry no colon; message ids neither).
 */
export interface HistoryChange {
  userId: string;
  kind: 'message' | 'edit';
  bridgeId: string;
  messageId: string;
}

export function announceChange(change: HistoryChange): string {
  return `${change.userId}:${change.kind}:${change.bridgeId}:${change.messageId}`;
}

/** The change a payload names, or undefined for anything else (an older or foreign sender). */
export function announcedChange(payload: string): HistoryChange | undefined {
  const parts = payload.split(':');
  if (parts.length !== 4 || parts.some((part) => part.length === 0)) return undefined;
  const [userId, kind, bridgeId, messageId] = parts as [string, string, string, string];
  if (kind !== 'message' && kind !== 'edit') return undefined;
  return { userId, kind, bridgeId, messageId };
}
