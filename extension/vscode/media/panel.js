// @ts-check
// The session panel's page. It only draws the state the extension posts and sends back
// what the user pressed; the extension validates every message it receives.
(function () {
  // @ts-ignore acquireVsCodeApi is injected by VS Code into webviews.
  const vscode = acquireVsCodeApi();
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));
  const sessionId = document.body.dataset.sessionId || '';
  // Remembered across reloads: the serializer revives the panel for this session.
  vscode.setState({ sessionId });

  /** @param {string} tag @param {Record<string,string>} [attrs] @param {(Node|string|null|undefined|false)[]} [children] */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    for (const child of children || []) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  /** @param {string} label @param {object} message @param {string} [kind] */
  function button(label, message, kind) {
    const node = el('button', { type: 'button', class: kind || 'secondary' }, [label]);
    node.addEventListener('click', () => {
      node.setAttribute('disabled', '');
      vscode.postMessage(message);
    });
    return node;
  }

  /** @param {number} at */
  function time(at) {
    return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  /** @param {string} label @param {string|undefined} value */
  function field(label, value) {
    return value ? el('div', { class: 'field' }, [el('dt', {}, [label]), el('dd', {}, [value])]) : null;
  }

  /** @param {any} s */
  function render(s) {
    const header = el('header', {}, [
      el('h1', {}, [s.task.split('\n')[0]]),
      el('p', { class: 'meta' }, [
        el('span', { class: `state state-${s.state}`, 'data-state': s.state }, [s.stateLabel]),
        ` session ${s.shortId} · ${s.repo}${s.branch ? ` · ${s.branch}` : ''} · from ${s.from}${s.agent ? ` · agent ${s.agent}` : ''}`,
      ]),
      s.task.includes('\n') ? el('pre', { class: 'task' }, [s.task]) : null,
    ]);

    const approvals = s.approvals.length
      ? el('section', { class: 'approvals', 'aria-label': 'Waiting for approval' }, [
          el('h2', {}, ['Needs approval']),
          ...s.approvals.map((/** @type {any} */ request) =>
            el('div', { class: 'approval' }, [
              el('p', {}, [request.summary]),
              request.command ? el('pre', {}, [request.command]) : null,
              el('div', { class: 'buttons' }, [
                button('Approve once', { type: 'approve', requestId: request.requestId }, 'primary'),
                button(`Approve ${s.approveForMinutes} min`, { type: 'approve', requestId: request.requestId, minutes: s.approveForMinutes }),
                button('Deny', { type: 'deny', requestId: request.requestId }, 'danger'),
              ]),
            ]),
          ),
        ])
      : null;

    const actions = el('div', { class: 'buttons actions' }, [
      s.canShowChanges ? button('Show changes', { type: 'showChanges' }) : null,
      s.worktree ? button('Open worktree', { type: 'openWorktree' }) : null,
      s.canCancel ? button('Cancel session', { type: 'cancel' }, 'danger') : null,
    ]);

    const r = s.result;
    const result = r
      ? el('section', { class: 'result', 'aria-label': 'Result' }, [
          el('h2', {}, ['Result']),
          el('pre', { class: 'summary' }, [r.summary]),
          el('dl', {}, [
            field('Tests', r.tests),
            field('Files changed', String(r.filesChanged)),
            field('Branch', r.branch),
            field('Duration', r.duration),
            field('Cost', r.cost),
            field('Error', r.error),
          ]),
          r.diffstat ? el('pre', { class: 'diffstat' }, [r.diffstat]) : null,
        ])
      : null;

    const log = el('section', { class: 'log', 'aria-label': 'Event log' }, [
      el('h2', {}, ['Log']),
      el(
        'ol',
        {},
        s.log.map((/** @type {any} */ line) =>
          el('li', { class: `kind-${line.kind}` }, [el('time', {}, [time(line.at)]), ' ', el('span', {}, [line.text])]),
        ),
      ),
    ]);

    app.replaceChildren(header, approvals || '', actions, result || '', log);
    vscode.postMessage({ type: 'rendered', lastSeq: s.lastSeq, state: s.state, approvals: s.approvals.length });
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'state' && message.state && typeof message.state.sessionId === 'string') render(message.state);
    else if (message.type === 'notice' && typeof message.text === 'string') app.replaceChildren(el('p', { class: 'muted' }, [message.text]));
  });
  vscode.postMessage({ type: 'ready' });
})();
