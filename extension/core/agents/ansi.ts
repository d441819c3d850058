/**
 * Terminal control sequences: colours (CSI … m), cursor moves and line erases (CSI),
 * window titles and hyperlinks (OSC … BEL/ST), and lone ESC codes. Tools colour their
 * output whenever they think a terminal is there (old supports-color does so whenever
 * FORCE_COLOR is set at all); none of it may reach a chat.
 */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[\u001b\u009b][[\]()#;?]*(?:\d{1,4}(?:[;:]\d{0,4})*)?[\dA-PR-TZcf-nq-uy=><~]|\u001b[@-Z\\-_]/g;

/** `text` without terminal escape codes; carriage-return redraws keep their last state. */
export function stripAnsi(text: string): string {
  return text
    .replace(ESCAPES, '')
    .split('\n')
    .map((line) => (line.includes('\r') ? (line.replace(/\r+$/, '').split('\r').pop() ?? '') : line))
    .join('\n');
}
