/** Answers non-coding messages in the thread. */
export interface CoworkResponder {
  answer(text: string): Promise<string>;
}

export const FORCE_HINT = 'If it is coding work, press "Run as a Code session", or start your message with "open a Code session and …".';

/** Without a model configured: say what this is and how to force a Code session. */
export const noModelCowork: CoworkResponder = {
  async answer() {
    return `This doesn't look like coding work, and no model is configured here for other questions (set ANTHROPIC_API_KEY on the bridge to have them answered). ${FORCE_HINT} Free-form work needs a model-backed agent on your machine (DISPATCH_AGENT=claude, codex or command); the builtin agent runs tests, linters, builds and audits.`;
  },
};
