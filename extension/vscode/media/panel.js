// @ts-check
// The session panel's page. It only draws the state the extension posts and sends back
// what the user pressed; the extension validates every message it receives.
// The page is built once and then patched: a progress line must not take the keyboard
// focus off a button, reset the log's scroll, or re-enable a button mid-action.
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

  /** @param {Element} node @param {string} text */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  /** @param {HTMLElement} node @param {boolean} shown */
  function show(node, shown) {
    if (node.hidden === shown) node.hidden = !shown;
  }

  /**
   * A button stays disabled from the click until the extension says the action is done
   * (`actionDone`), whatever renders in between.
   * @param {string} label @param {{type: string, requestId?: string, minutes?: number, action?: string, draft?: boolean}} message @param {string} [kind]
   */
  function button(label, message, kind) {
    const node = el('button', { type: 'button', class: kind || 'secondary', 'data-action': actionKey(message) }, [label]);
    node.addEventListener('click', () => {
      node.disabled = true;
      vscode.postMessage(message);
    });
    return /** @type {HTMLButtonElement} */ (node);
  }

  /** @param {{type: string, requestId?: string, minutes?: number, action?: string}} message */
  function actionKey(message) {
    return [message.type, message.requestId || message.action || '', message.minutes || ''].join(':');
  }

  /** @param {number} at */
  function time(at) {
    return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  /** @param {string} label @param {string|undefined} value */
  function field(label, value) {
    return value ? el('div', { class: 'field' }, [el('dt', {}, [label]), el('dd', {}, [value])]) : null;
  }

  /** The page's parts, made on the first state and patched after. */
  /** @type {any} */
  let view;

  function skeleton() {
    const title = el('h1');
    const state = el('span', { class: 'state' });
    const meta = el('span');
    const task = el('pre', { class: 'task' });
    const approvalList = el('div');
    const approvals = el('section', { class: 'approvals', 'aria-label': 'Waiting for approval' }, [el('h2', {}, ['Needs approval']), approvalList]);
    const showChanges = button('Show changes', { type: 'showChanges' });
    const openWorktree = button('Open worktree', { type: 'openWorktree' });
    const continueInTerminal = button('Continue in terminal', { type: 'continueInTerminal' });
    const push = button('Push branch', { type: 'ship', action: 'push', draft: true });
    const pullRequest = button('Open pull request', { type: 'ship', action: 'pr', draft: true }, 'primary');
    const cancel = button('Cancel session', { type: 'cancel' }, 'danger');
    // The pull request (or the forge's page to open one by hand), and how the last press ended.
    const shipped = el('p', { class: 'shipped' });
    const outcome = el('p', { class: 'outcome', role: 'status' });
    const result = el('section', { class: 'result', 'aria-label': 'Result' });
    const lines = el('ol', { tabindex: '0', 'aria-label': 'Session log' });
    const log = el('section', { class: 'log', 'aria-label': 'Event log' }, [el('h2', {}, ['Log']), lines]);
    app.replaceChildren(
      el('header', {}, [title, el('p', { class: 'meta' }, [state, ' ', meta]), task]),
      approvals,
      el('div', { class: 'buttons actions' }, [pullRequest, push, continueInTerminal, showChanges, openWorktree, cancel]),
      shipped,
      outcome,
      result,
      log,
    );
    show(outcome, false);
    return { title, state, meta, task, approvals, approvalList, showChanges, openWorktree, continueInTerminal, push, pullRequest, cancel, shipped, shippedKey: '', outcome, result, resultKey: '', lines, logged: new Map() };
  }

  /** @param {any} s */
  function render(s) {
    view ??= skeleton();
    setText(view.title, s.task.split('\n')[0]);
    view.state.className = `state state-${s.state}`;
    view.state.dataset.state = s.state;
    setText(view.state, s.stateLabel);
    setText(view.meta, `session ${s.shortId} · ${s.repo}${s.branch ? ` · ${s.branch}` : ''} · from ${s.from}${s.agent ? ` · agent ${s.agent}` : ''}`);
    show(view.task, s.task.includes('\n'));
    setText(view.task, s.task.includes('\n') ? s.task : '');

    renderApprovals(s);
    show(view.showChanges, s.canShowChanges);
    show(view.openWorktree, Boolean(s.worktree));
    show(view.continueInTerminal, s.canContinueInTerminal);
    show(view.push, s.ship.canPush);
    show(view.pullRequest, s.ship.canOpenPullRequest);
    show(view.cancel, s.canCancel);
    renderShipped(s.ship);
    renderResult(s.result);
    renderLog(s.log);
    const buttons = [...app.querySelectorAll('.actions button')].filter((node) => !(/** @type {HTMLElement} */ (node).hidden)).map((node) => (/** @type {HTMLElement} */ (node).dataset.action || '').replace(/:+$/, ''));
    vscode.postMessage({ type: 'rendered', lastSeq: s.lastSeq, state: s.state, approvals: s.approvals.length, buttons });
  }

  /** A link the editor opens in the browser (VS Code hands webview links to openExternal). @param {string} url @param {string} label */
  function link(url, label) {
    return /^https?:\/\//.test(url) ? el('a', { href: url }, [label]) : label;
  }

  /** @param {any} ship */
  function renderShipped(ship) {
    const key = JSON.stringify([ship.pushed, ship.pullRequest, ship.compareUrl]);
    if (key === view.shippedKey) return;
    view.shippedKey = key;
    const pr = ship.pullRequest;
    const parts = pr
      ? [link(pr.url, `${pr.draft ? 'Draft pull request' : 'Pull request'} #${pr.number}`), ` · ${pr.url}`]
      : ship.pushed
        ? [`Pushed to ${ship.pushed}`, ...(ship.compareUrl ? [' · ', link(ship.compareUrl, 'open the pull request by hand')] : [])]
        : [];
    view.shipped.replaceChildren(...parts);
    show(view.shipped, parts.length > 0);
  }

  /** @param {{text: string, url?: string, failed: boolean}} message */
  function renderOutcome(message) {
    if (!view) return;
    view.outcome.className = `outcome ${message.failed ? 'outcome-failed' : 'outcome-done'}`;
    view.outcome.replaceChildren(message.text, ...(message.url ? [' ', link(message.url, message.url)] : []));
    show(view.outcome, true);
  }

  /** Requests keep their nodes (and focus) while they wait; answered ones go. @param {any} s */
  function renderApprovals(s) {
    const wanted = new Set(s.approvals.map((/** @type {any} */ request) => request.requestId));
    for (const node of [...view.approvalList.children]) {
      if (!wanted.has(/** @type {HTMLElement} */ (node).dataset.requestId)) node.remove();
    }
    for (const request of s.approvals) {
      if (view.approvalList.querySelector(`[data-request-id="${CSS.escape(request.requestId)}"]`)) continue;
      view.approvalList.append(
        el('div', { class: 'approval', 'data-request-id': request.requestId }, [
          el('p', {}, [request.summary]),
          request.command ? el('pre', {}, [request.command]) : null,
          el('div', { class: 'buttons' }, [
            button('Approve once', { type: 'approve', requestId: request.requestId }, 'primary'),
            button(`Approve ${s.approveForMinutes} min`, { type: 'approve', requestId: request.requestId, minutes: s.approveForMinutes }),
            button('Deny', { type: 'deny', requestId: request.requestId }, 'danger'),
          ]),
        ]),
      );
    }
    show(view.approvals, s.approvals.length > 0);
  }

  /** @param {any} r */
  function renderResult(r) {
    const key = r ? JSON.stringify(r) : '';
    show(view.result, Boolean(r));
    if (key === view.resultKey) return;
    view.resultKey = key;
    view.result.replaceChildren(
      ...(r
        ? [
            el('h2', {}, ['Result']),
            el('pre', { class: 'summary' }, [r.summary]),
            el('dl', {}, [field('Tests', r.tests), field('Files changed', String(r.filesChanged)), field('Branch', r.branch), field('Duration', r.duration), field('Cost', r.cost), field('Error', r.error)]),
            r.diffstat ? el('pre', { class: 'diffstat' }, [r.diffstat]) : null,
          ].filter((node) => node !== null)
        : []),
    );
  }

  /** New lines are appended; the log follows its end unless the reader scrolled up. @param {any[]} log */
  function renderLog(log) {
    const lines = view.lines;
    const following = lines.scrollHeight - lines.scrollTop - lines.clientHeight < 24;
    const keep = new Set(log.map((line) => line.seq));
    for (const [seq, node] of view.logged) {
      if (!keep.has(seq)) {
        node.remove();
        view.logged.delete(seq);
      }
    }
    for (const line of log) {
      if (view.logged.has(line.seq)) continue;
      const node = el('li', { class: `kind-${line.kind}` }, [el('time', {}, [time(line.at)]), ' ', el('span', {}, [line.text])]);
      // Lines arrive in seq order, except after a reload of the history.
      let next;
      for (const [seq, known] of view.logged) if (seq > line.seq && (!next || seq < next.seq)) next = { seq, node: known };
      if (next) lines.insertBefore(node, next.node);
      else lines.append(node);
      view.logged.set(line.seq, node);
    }
    if (following) lines.scrollTop = lines.scrollHeight;
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'state' && message.state && typeof message.state.sessionId === 'string') render(message.state);
    else if (message.type === 'actionDone' && typeof message.action === 'string') {
      for (const node of app.querySelectorAll(`button[data-action="${CSS.escape(message.action)}"]`)) /** @type {HTMLButtonElement} */ (node).disabled = false;
    } else if (message.type === 'outcome' && typeof message.text === 'string') {
      renderOutcome({ text: message.text, url: typeof message.url === 'string' ? message.url : undefined, failed: Boolean(message.failed) });
    } else if (message.type === 'notice' && typeof message.text === 'string') {
      view = undefined;
      app.replaceChildren(el('p', { class: 'muted' }, [message.text]));
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
