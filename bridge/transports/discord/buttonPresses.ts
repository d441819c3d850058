import { MessageFlags, type ButtonInteraction } from 'discord.js';
import type { ButtonPress, ButtonReply, ChatHandler } from '../../chat.js';
import type { Logger } from '../../../shared/logger.js';
import { interactionOptions, renderMessage } from './render.js';
import { neutralizeAllMentions } from './text.js';
import type { ThreadMap } from './threads.js';
import { chatUserOf } from './users.js';

/**
 * Discord wants an answer to a press within 3 s. A quick decision is sent as the answer
 * itself (`update` of the pressed message, an ephemeral note); a slow one (the runner is
 * far away) first acknowledges with deferUpdate, then edits / follows up.
 */
export const ACK_BUDGET_MS = 2_000;

export interface ButtonDeps {
  handler: ChatHandler;
  threads: ThreadMap;
  logger: Logger;
  ackBudgetMs?: number;
}

export async function handleButton(interaction: ButtonInteraction, deps: ButtonDeps): Promise<void> {
  const press: ButtonPress = {
    user: chatUserOf(interaction.user, interaction.member),
    message: {
      thread: deps.threads.ofBotMessage(interaction.message, interaction.channel?.isThread() ?? false),
      messageId: interaction.message.id,
    },
    value: interaction.customId,
  };
  const decided = deps.handler.onButton(press).catch((error: unknown): ButtonReply => {
    deps.logger.error('button handling failed', { error: String(error) });
    return { ephemeral: 'Something went wrong on the bridge; nothing was changed. Try again.' };
  });

  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, deps.ackBudgetMs ?? ACK_BUDGET_MS, undefined)));
  const quick = await Promise.race([decided, late]);
  clearTimeout(timer);

  if (quick) {
    await answerNow(interaction, quick);
    return;
  }
  await interaction.deferUpdate();
  await answerLater(interaction, await decided);
}

async function answerNow(interaction: ButtonInteraction, reply: ButtonReply): Promise<void> {
  if (reply.update) {
    await interaction.update(interactionOptions(renderMessage(reply.update)));
    if (reply.ephemeral) await interaction.followUp(ephemeral(reply.ephemeral));
    return;
  }
  if (reply.ephemeral) {
    await interaction.reply(ephemeral(reply.ephemeral));
    return;
  }
  // Nothing to say: acknowledge so the button stops spinning, change nothing.
  await interaction.deferUpdate();
}

async function answerLater(interaction: ButtonInteraction, reply: ButtonReply): Promise<void> {
  // After deferUpdate, editReply edits the pressed message.
  if (reply.update) await interaction.editReply(interactionOptions(renderMessage(reply.update)));
  if (reply.ephemeral) await interaction.followUp(ephemeral(reply.ephemeral));
}

/** A note only the presser sees. */
function ephemeral(text: string) {
  return { content: neutralizeAllMentions(text), flags: MessageFlags.Ephemeral as const, allowedMentions: { parse: [] as [] } };
}
