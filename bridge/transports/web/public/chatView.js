// How the chat draws threads and messages. Data only ever goes in through textContent
// and checked hrefs (never innerHTML), so no message can inject markup or script.

const ACTIVE = new Set(['queued', 'preparing', 'running']);
const FINAL = new Set(['completed', 'failed', 'cancelled', 'interrupted']);

/**
 * The sessions of a thread as their status messages last said (one message per session,
 * edited in place, so an edit frame updates this too): short id → { id, state, line }.
 */
export function threadSessions(thread, messages) {
  const sessions = new Map();
  for (const id of thread.ids) {
    const message = messages.get(id);
    if (message?.author === 'bot' && message.session) sessions.set(message.session.id, message.session);
  }
  return [...sessions.values()];
}

/** "1 running", "1 needs approval", "2 done": only the kinds there are. */
export function sessionCounts(sessions) {
  const running = sessions.filter((s) => ACTIVE.has(s.state)).length;
  const approval = sessions.filter((s) => s.state === 'waiting_for_approval').length;
  const done = sessions.filter((s) => FINAL.has(s.state)).length;
  return [
    ['running', running, `${running} running`],
    ['approval', approval, `${approval} ${approval === 1 ? 'needs' : 'need'} approval`],
    ['done', done, `${done} done`],
  ].filter(([, count]) => count > 0).map(([kind, , text]) => ({ kind, text }));
}

/**
 * One row of the thread list: its first line; where its sessions are (one waiting for you
 * first, else one still running, else the last one), with counts; time and unread marks.
 */
export function threadItem(thread, messages, current, open) {
  const first = messages.get(thread.ids.find((id) => messages.get(id).author === 'user') ?? thread.ids[0]);
  const latest = [...thread.ids].reverse().map((id) => messages.get(id)).find((m) => m.author === 'bot');
  const sessions = threadSessions(thread, messages);
  const shown = sessions.find((s) => s.state === 'waiting_for_approval') ?? [...sessions].reverse().find((s) => ACTIVE.has(s.state)) ?? sessions.at(-1);
  const button = node('button', 'thread');
  button.type = 'button';
  if (thread.id === current) button.setAttribute('aria-current', 'true');
  button.addEventListener('click', () => open(thread.id));
  const tone = shown?.state === 'waiting_for_approval' ? 'warning' : latest?.tone ?? (latest ? 'none' : 'pending');
  const dot = node('span', `dot tone-${tone}`);
  const main = node('span', 'thread-main');
  main.append(node('span', 'thread-first', firstLine(first?.text ?? '')));
  const status = node('span', 'thread-status', shown ? firstLine(shown.line.replace(/`/g, '')) : latest ? firstLine(latest.title || latest.text) : 'Waiting for Dispatch…');
  if (shown) status.dataset.state = shown.state;
  main.append(status);
  if (sessions.length > 0) {
    const counts = node('span', 'thread-counts');
    for (const { kind, text } of sessionCounts(sessions)) counts.append(node('span', `count ${kind}`, text));
    main.append(counts);
  }
  const meta = node('span', 'thread-meta');
  meta.append(node('time', '', relativeTime(thread.activity)));
  if (thread.mentions > 0) meta.append(node('span', 'badge', String(thread.mentions)));
  else if (thread.unread) meta.append(node('span', 'unread'));
  button.append(dot, main, meta);
  const item = node('li');
  item.append(button);
  return item;
}

/** One message: a user bubble, or a bot card with title, text, fields and buttons. */
export function messageItem(message, buttonsDisabled) {
  const item = node('li', `msg ${message.author}`);
  item.dataset.id = message.id;
  if (message.author === 'user') {
    const bubble = node('div', 'bubble');
    rich(bubble, message.text);
    item.append(bubble, node('time', '', clockTime(message.at)));
    return item;
  }
  item.classList.add(`tone-${message.tone ?? 'none'}`);
  if (message.mention) item.classList.add('mention');
  const avatar = node('img', 'avatar');
  avatar.src = '/icon.svg';
  avatar.alt = '';
  const card = node('div', 'card');
  if (message.title) card.append(node('div', 'title', message.title));
  if (message.text) {
    const text = node('div', 'text');
    rich(text, message.text);
    card.append(text);
  }
  if (message.fields?.length) {
    const fields = node('dl', 'fields');
    for (const field of message.fields) {
      const row = node('div');
      row.append(node('dt', '', field.label), node('dd', '', field.value));
      fields.append(row);
    }
    card.append(fields);
  }
  if (message.buttons?.length) {
    const actions = node('div', 'actions');
    for (const spec of message.buttons) {
      const button = node('button', `btn ${spec.style ?? 'default'}`, spec.label);
      button.type = 'button';
      button.dataset.value = spec.value;
      button.disabled = buttonsDisabled;
      actions.append(button);
    }
    card.append(actions);
  }
  card.append(node('time', '', clockTime(message.at)));
  item.append(avatar, card);
  return item;
}

// Inline `code` and http(s) links; everything else is plain text.
export function rich(parent, text) {
  const pattern = /`([^`\n]+)`|\bhttps?:\/\/[^\s<>"'`]+/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parent.append(text.slice(last, match.index));
    if (match[1] !== undefined) {
      parent.append(node('code', '', match[1]));
      last = match.index + match[0].length;
      continue;
    }
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    const link = node('a', '', url);
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    parent.append(link);
    last = match.index + url.length;
  }
  parent.append(text.slice(last));
}

export function node(tag, className = '', text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export function firstLine(text) {
  const line = text.split('\n', 1)[0].trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

export function clockTime(at) {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function relativeTime(at) {
  const seconds = (Date.now() - at) / 1000;
  if (seconds < 60) return 'now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return new Date(at).toLocaleDateString([], { month: 'short', day: 'numeric' });
}

