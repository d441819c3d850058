// Dispatch web chat: plain browser JS, no build step. Every piece of data reaches the
// page through textContent or a validated href — never innerHTML — so nothing a message
// says can run as markup. The bridge is the source of truth: on every (re)connect it
// sends a snapshot, and the page rebuilds its state from it.
import { firstLine, messageItem, threadItem } from './chatView.js';

const $ = (id) => document.getElementById(id);
const el = {
  app: $('app'), conn: $('conn'), threads: $('threads'), threadsEmpty: $('threads-empty'),
  newTask: $('new-task'), back: $('back'), title: $('thread-title'), banner: $('banner'),
  scroller: $('scroller'), welcome: $('welcome'), suggestions: $('suggestions'),
  messages: $('messages'), toast: $('toast'), composer: $('composer'), input: $('input'),
  send: $('send'), signedout: $('signedout'),
};

const state = {
  messages: new Map(), // id → WebMessage
  threads: new Map(), // threadId → { id, ids: [], activity, unread, mentions }
  seen: new Set(), // ids the page has shown, to spot what arrived while away
  current: null, // open thread id, or null for "new task"
  pendingNew: null, // clientId of the send that starts a thread: open it when echoed
  sending: null, // the send frame the bridge has not acknowledged yet: its text stays in the input
  pressed: new Set(), // bot message ids whose buttons were pressed, awaiting an answer
  socket: null, online: false, everOnline: false, retries: 0, retryTimer: 0,
};

// ── connection ─────────────────────────────────────────────────────────────

function connect() {
  clearTimeout(state.retryTimer);
  if (state.socket) return;
  setConnection('connecting');
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/chat`);
  state.socket = socket;
  let opened = false;
  socket.addEventListener('open', () => { opened = true; state.retries = 0; });
  socket.addEventListener('message', (event) => {
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    onFrame(frame);
  });
  socket.addEventListener('close', async () => {
    state.socket = null;
    setConnection('offline');
    render();
    // A refused upgrade looks like any failure; ask the page URL whether we are signed out.
    if (!opened && (await signedOut())) return;
    const delay = Math.min(10000, 500 * 2 ** state.retries++) * (0.6 + Math.random() * 0.4);
    state.retryTimer = setTimeout(connect, delay);
  });
}

async function signedOut() {
  try {
    const response = await fetch('/', { method: 'HEAD', cache: 'no-store' });
    if (response.status !== 401) return false;
    el.signedout.hidden = false;
    return true;
  } catch { return false; }
}

function setConnection(mode) {
  state.online = mode === 'online';
  if (mode === 'online') state.everOnline = true;
  el.conn.dataset.state = mode;
  el.conn.title = { online: 'Connected', connecting: 'Connecting…', offline: 'Offline — reconnecting' }[mode];
  el.banner.hidden = mode === 'online' || (!state.everOnline && mode === 'connecting');
  el.banner.textContent = state.sending ? 'Connection lost — reconnecting; your message goes out when it is back…' : 'Connection lost — reconnecting…';
  updateSendButton();
}

function sendFrame(frame) {
  if (!state.online || !state.socket) { showToast('Not connected yet — reconnecting…', 'error'); return false; }
  state.socket.send(JSON.stringify(frame));
  return true;
}

// Phones freeze background tabs: retry at once when the page or the network comes back.
window.addEventListener('online', () => { state.retries = 0; connect(); });
document.addEventListener('visibilitychange', () => {
  if (document.hidden) return;
  if (!state.socket) { state.retries = 0; connect(); }
  clearMentions(state.current);
  renderThreads();
});

// ── frames ─────────────────────────────────────────────────────────────────

function onFrame(frame) {
  switch (frame.type) {
    case 'snapshot': {
      const first = !state.everOnline;
      state.messages.clear();
      state.threads.clear();
      state.pressed.clear();
      for (const message of frame.messages) addMessage(message, !first);
      setConnection('online');
      applyLocation();
      // Unacknowledged when the connection dropped (or the page reloaded): the same clientId again,
      // so the bridge answers a repeat with its acknowledgement, never a second task.
      if (state.sending) state.socket.send(JSON.stringify(state.sending));
      break;
    }
    case 'message':
      addMessage(frame.message, true);
      if (frame.clientId) settleSend(frame.clientId, true);
      if (frame.clientId && frame.clientId === state.pendingNew) {
        state.pendingNew = null;
        openThread(frame.message.threadId);
      }
      if (frame.message.author === 'bot' && frame.message.mention) notify(frame.message);
      // Your own message always comes into view, even when you had scrolled up.
      render(Boolean(frame.clientId));
      break;
    case 'edit':
      state.pressed.delete(frame.message.id);
      addMessage(frame.message, false);
      touch(frame.message.threadId, Date.now());
      render();
      break;
    case 'notice':
      if (frame.clientId) settleSend(frame.clientId, false);
      // A press that was refused or answered privately: let the buttons be pressed again.
      for (const id of state.pressed) if (state.messages.get(id)?.threadId === frame.threadId) state.pressed.delete(id);
      showToast(frame.text, 'info');
      render();
      break;
    case 'error':
      if (frame.clientId) settleSend(frame.clientId, false);
      state.pressed.clear();
      showToast(frame.text, 'error');
      render();
      break;
  }
}

function addMessage(message, live) {
  const known = state.messages.has(message.id);
  state.messages.set(message.id, message);
  let thread = state.threads.get(message.threadId);
  if (!thread) {
    thread = { id: message.threadId, ids: [], activity: 0, unread: false, mentions: 0 };
    state.threads.set(message.threadId, thread);
  }
  if (!known) {
    thread.ids.push(message.id);
    // A message is echoed once the bridge has handled it, so the bot's first answer may arrive
    // before it: order by time, and a person's message first within the same millisecond.
    thread.ids.sort((a, b) => byTime(state.messages.get(a), state.messages.get(b)));
  }
  touch(message.threadId, message.at);
  const away = document.hidden || state.current !== message.threadId;
  if (live && !state.seen.has(message.id) && message.author === 'bot' && away) {
    thread.unread = true;
    if (message.mention) thread.mentions += 1;
  }
  state.seen.add(message.id);
}

function byTime(a, b) {
  return a.at - b.at || (a.author === b.author ? 0 : a.author === 'user' ? -1 : 1);
}

function touch(threadId, at) {
  const thread = state.threads.get(threadId);
  if (thread) thread.activity = Math.max(thread.activity, at);
}

// ── navigation: the hash names the open thread, so reload and the phone's back button work ──

function applyLocation() {
  const hash = decodeURIComponent(location.hash.slice(1));
  state.current = hash && hash !== 'new' && state.threads.has(hash) ? hash : null;
  const showList = hash === '' && state.threads.size > 0;
  el.app.dataset.view = showList ? 'list' : 'thread';
  if (state.current) {
    const thread = state.threads.get(state.current);
    thread.unread = false;
    clearMentions(state.current);
  }
  render(true);
}

function openThread(id) {
  const target = id ? `#${encodeURIComponent(id)}` : '#new';
  if (location.hash !== target) location.hash = target;
  else applyLocation();
}

window.addEventListener('hashchange', applyLocation);
el.back.addEventListener('click', () => { if (location.hash) location.hash = ''; else applyLocation(); });
el.newTask.addEventListener('click', () => { openThread(null); el.input.focus(); });

// ── composer ───────────────────────────────────────────────────────────────

el.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  if (state.sending) return;
  const text = el.input.value.trim();
  if (!text) return;
  const frame = { type: 'send', clientId: crypto.randomUUID(), text };
  if (state.current) frame.threadId = state.current;
  beginSend(frame);
  askNotificationPermission();
});

// ── sending: the text stays in the input, marked as sending, until the bridge has it ──

const SENDING_KEY = 'dispatch.sending';

function beginSend(frame) {
  state.sending = frame;
  if (!frame.threadId) state.pendingNew = frame.clientId;
  // Kept across a reload of the tab too: the resend after it carries the same clientId.
  try { sessionStorage.setItem(SENDING_KEY, JSON.stringify(frame)); } catch { /* storage off: the tab still holds it */ }
  showSending();
  if (state.online && state.socket) state.socket.send(JSON.stringify(frame));
  else showToast('Not connected — your message goes out when the connection is back.', 'info');
}

/** The bridge acknowledged (accepted: clear the input) or refused (keep the text to edit) a send. */
function settleSend(clientId, accepted) {
  if (!state.sending || state.sending.clientId !== clientId) return;
  state.sending = null;
  try { sessionStorage.removeItem(SENDING_KEY); } catch { /* nothing kept */ }
  if (accepted) el.input.value = '';
  showSending();
  resizeInput();
}

function showSending() {
  const sending = Boolean(state.sending);
  if (sending) el.input.value = state.sending.text;
  el.input.readOnly = sending;
  el.composer.dataset.sending = String(sending);
  el.send.setAttribute('aria-label', sending ? 'Sending…' : 'Send');
  updateSendButton();
}

function restoreSending() {
  let frame = null;
  try { frame = JSON.parse(sessionStorage.getItem(SENDING_KEY) ?? 'null'); } catch { frame = null; }
  if (!frame || frame.type !== 'send' || typeof frame.clientId !== 'string' || typeof frame.text !== 'string') return;
  state.sending = frame;
  if (!frame.threadId) state.pendingNew = frame.clientId;
  showSending();
}

el.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    el.composer.requestSubmit();
  }
});
el.input.addEventListener('input', resizeInput);

el.suggestions.addEventListener('click', (event) => {
  const chip = event.target.closest('.chip');
  if (!chip) return;
  el.input.value = chip.textContent;
  resizeInput();
  el.input.focus();
});

function resizeInput() {
  el.input.style.height = 'auto';
  el.input.style.height = `${Math.min(el.input.scrollHeight, 160)}px`;
  updateSendButton();
}

function updateSendButton() {
  el.send.disabled = !state.online || Boolean(state.sending) || el.input.value.trim() === '';
}

// ── buttons ────────────────────────────────────────────────────────────────

el.messages.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-value]');
  if (!button || button.disabled) return;
  const messageId = button.closest('[data-id]').dataset.id;
  if (!sendFrame({ type: 'press', messageId, value: button.dataset.value })) return;
  state.pressed.add(messageId);
  for (const other of button.parentElement.querySelectorAll('button')) other.disabled = true;
  button.classList.add('busy');
});

// ── mentions: a title badge always, a system notification when permitted and away ──

function askNotificationPermission() {
  if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => {});
}

function notify(message) {
  updateTitle();
  if (!document.hidden || !('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(message.title || 'Dispatch', { body: message.text.slice(0, 180), tag: message.id, icon: '/icon.svg' });
    notification.addEventListener('click', () => { window.focus(); openThread(message.threadId); notification.close(); });
  } catch {
    // Android Chrome allows notifications only from a service worker; the title badge remains.
  }
}

function clearMentions(threadId) {
  const thread = threadId && state.threads.get(threadId);
  if (thread && !document.hidden) { thread.mentions = 0; thread.unread = false; }
  updateTitle();
}

function updateTitle() {
  let count = 0;
  for (const thread of state.threads.values()) count += thread.mentions;
  document.title = count > 0 ? `(${count}) Dispatch` : 'Dispatch';
}

// ── toast ──────────────────────────────────────────────────────────────────

let toastTimer = 0;
function showToast(text, kind) {
  el.toast.textContent = text;
  el.toast.dataset.kind = kind;
  el.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.toast.hidden = true; }, 6000);
}

// ── rendering ──────────────────────────────────────────────────────────────

function render(jump = false) {
  renderThreads();
  renderConversation(jump);
  updateTitle();
}

function renderThreads() {
  const threads = [...state.threads.values()].sort((a, b) => b.activity - a.activity);
  el.threadsEmpty.hidden = threads.length > 0;
  el.threads.replaceChildren(...threads.map((thread) => threadItem(thread, state.messages, state.current, openThread)));
}

function renderConversation(jump) {
  const thread = state.current && state.threads.get(state.current);
  el.welcome.hidden = Boolean(thread);
  // With nothing in the list yet, "back" would lead to an empty page.
  el.back.hidden = state.threads.size === 0;
  el.title.textContent = thread ? firstLine(state.messages.get(thread.ids[0])?.text ?? 'Task') : state.threads.size ? 'New task' : 'Dispatch';
  el.input.placeholder = thread ? 'Reply in this thread…' : 'Text a task… e.g. run the tests';
  const nearBottom = el.scroller.scrollHeight - el.scroller.scrollTop - el.scroller.clientHeight < 120;
  el.messages.replaceChildren(...(thread ? thread.ids.map((id) => messageItem(state.messages.get(id), state.pressed.has(id) || !state.online)) : []));
  if (jump || nearBottom) el.scroller.scrollTop = el.scroller.scrollHeight;
}

setInterval(renderThreads, 60000);
restoreSending();
applyLocation();
connect();
