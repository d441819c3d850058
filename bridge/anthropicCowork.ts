import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from '../shared/logger.js';
import { FORCE_HINT, type CoworkResponder } from './cowork.js';

/** Answers through the Anthropic Messages API (base URL configurable, for tests and proxies). */
export class AnthropicCowork implements CoworkResponder {
  private readonly client: Anthropic;

  constructor(
    options: { apiKey: string; baseURL?: string; model: string },
    private readonly logger: Logger,
  ) {
    this.client = new Anthropic({ apiKey: options.apiKey, ...(options.baseURL ? { baseURL: options.baseURL } : {}), maxRetries: 2, timeout: 120_000 });
    this.model = options.model;
  }

  private readonly model: string;

  async answer(text: string): Promise<string> {
    try {
      const response = await this.client.messages.create({
        model: this.model,
        max_tokens: 1_500,
        system:
          'You are Dispatch, a chat assistant reached from Slack, Discord or a web chat, usually on a phone. Answer concisely in plain text with light Markdown. You cannot see the user\'s code here.',
        messages: [{ role: 'user', content: text }],
      });
      const answer = response.content
        .filter((block): block is Anthropic.TextBlock => block.type === 'text')
        .map((block) => block.text)
        .join('\n')
        .trim();
      return answer || 'The model returned no text.';
    } catch (error) {
      this.logger.warn('cowork answer failed', { error: error instanceof Error ? error.message : String(error) });
      return `I couldn't reach the model just now (${error instanceof Error ? error.message : 'unknown error'}). ${FORCE_HINT}`;
    }
  }
}
