import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/**
 * The session panel's page: a strict Content-Security-Policy (no inline code, one
 * script by nonce, resources only from the extension's media folder) and an empty
 * skeleton that media/panel.js fills from the state the host posts.
 */
export function panelHtml(webview: vscode.Webview, media: vscode.Uri, sessionId: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(joinPath(media, 'panel.js'));
  const style = webview.asWebviewUri(joinPath(media, 'panel.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Dispatch session</title>
</head>
<body data-session-id="${escapeAttribute(sessionId)}">
<main id="app" aria-live="polite"><p class="muted">Loading session…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function joinPath(base: vscode.Uri, file: string): vscode.Uri {
  return base.with({ path: `${base.path.replace(/\/$/, '')}/${file}` });
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
