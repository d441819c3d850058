import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SessionState } from '../shared/sessions.js';

/**
 * The chat side's one vocabulary. Transports (Slack, Discord, web) turn platform events
 * into these shapes and render them back; nothing platform-specific crosses this line.
 */
export type Platform = 'slack' | 'discord' | 'web';

/** A person on a chat platform. platform + userId is the identity pairing binds. */
export interface ChatUser {
  platform: Platform;
  userId: string;
  displayName?: string;
}

/** Where replies go: a thread (Slack thread_ts, Discord thread or DM, web thread). */
export interface ThreadRef {
  platform: Platform;
  channelId: string;
  threadId: string;
}

/** A message the bot posted, so it can be edited in place. */
export interface MessageRef {
  thread: ThreadRef;
  messageId: string;
}

/** A message from a person, already stripped of platform markup where the transport must. */
export interface ChatMessage {
  user: ChatUser;
  thread: ThreadRef;
  messageId: string;
  text: string;
  /** A DM (or the web chat): every message is for the bot. */
  isDirect: boolean;
  /**
   * false: said in a thread without naming the bot (a channel thread the bot replied in).
   * Such a message only counts as its requester's follow-up in a session's thread; the
   * bot never answers other chatter. Absent means addressed.
   */
  addressed?: boolean;
}

export interface Button {
  label: string;
  /** An opaque value the dispatcher parses and validates when pressed. */
  value: string;
  style?: 'primary' | 'danger';
}

export interface Field {
  label: string;
  value: string;
}

/** What the bot says, in platform-neutral form. */
export interface OutgoingMessage {
  text: string;
  title?: string;
  fields?: Field[];
  buttons?: Button[];
  /** Mention this person so their phone buzzes (push notifications). */
  mention?: ChatUser;
  tone?: 'info' | 'success' | 'warning' | 'error';
  /**
   * Set on a session's status message: which session, its state, and one line saying where
   * it is, so a chat's thread list can show state and counts without reading the text.
   */
  session?: SessionTag;
}

/** A status message's session, as a list shows it. */
export interface SessionTag {
  /** The short id people see ("3f9a1c2e"). */
  id: string;
  state: SessionState;
  /** "Running `npm test`", "Needs approval: Run `npm test`", "Completed: Tests passed: 4 passed". */
  line: string;
}

/** Someone pressed a button on a bot message. */
export interface ButtonPress {
  user: ChatUser;
  message: MessageRef;
  value: string;
}

/** How a transport answers a press: a note only the presser sees, and/or a new version of the pressed message. */
export interface ButtonReply {
  ephemeral?: string;
  update?: OutgoingMessage;
}

/** What the dispatcher offers every transport. */
export interface ChatHandler {
  onMessage(message: ChatMessage): Promise<void>;
  onButton(press: ButtonPress): Promise<ButtonReply>;
  /** A person's recent sessions, for a platform's home screen (Slack's App Home). */
  overview?(user: ChatUser): Promise<OutgoingMessage>;
}

/** One chat platform. */
export interface Transport {
  readonly platform: Platform;
  /** Whether `edit` changes a posted message in place (else the notifier posts anew). */
  readonly canEdit: boolean;
  start(handler: ChatHandler): Promise<void>;
  stop(): Promise<void>;
  post(thread: ThreadRef, message: OutgoingMessage): Promise<MessageRef>;
  edit(ref: MessageRef, message: OutgoingMessage): Promise<void>;
}

/** A transport that serves pages or sockets on the bridge's own HTTP server (the web chat). */
export interface HttpMountable {
  /** Returns true when it answered the request. */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean;
  /** Returns true when it took the upgrade. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}
