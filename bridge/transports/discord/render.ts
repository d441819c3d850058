import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import type { APIActionRowComponent, APIButtonComponent, APIEmbed, RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { Button, OutgoingMessage } from '../../chat.js';
import { clip, LIMITS, neutralizeAllMentions, neutralizeBroadcasts, truncate } from './text.js';

/** One OutgoingMessage as Discord wants it, usable for channel messages and interaction replies alike. */
export interface DiscordPayload {
  /** Only ever `<@user>` plus the title, for push notifications; '' otherwise. */
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  /**
   * Nobody is pinged except the user the message is meant to buzz: `parse: []` turns off
   * @everyone, @here, role and user parsing; `users` lists the one allowed mention.
   */
  allowedMentions: { parse: []; users: string[]; repliedUser: false };
  /** Buttons left out because Discord could not carry them (value > 100 characters, > 25 buttons). */
  dropped: number;
}

const TONE_COLOR: Record<NonNullable<OutgoingMessage['tone']>, number> = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
};

/** Renders the platform-neutral message as an embed (title, text, inline fields, colour by tone) and a row of buttons. */
export function renderMessage(message: OutgoingMessage): DiscordPayload {
  const embed = new EmbedBuilder().setColor(TONE_COLOR[message.tone ?? 'info']);
  const mention = message.mention?.platform === 'discord' ? message.mention.userId : undefined;
  const title = message.title ? clip(neutralizeBroadcasts(message.title), LIMITS.title) : undefined;
  // A push notification carries the title in its content (that is what the phone shows); the embed then does not repeat it.
  if (title && !mention) embed.setTitle(title);

  const fields = (message.fields ?? []).slice(0, LIMITS.fields).map((field) => ({
    name: clip(neutralizeBroadcasts(field.label), LIMITS.fieldName) || '\u200b',
    value: clip(neutralizeBroadcasts(field.value), LIMITS.fieldValue) || '—',
    inline: true,
  }));
  if (fields.length > 0) embed.addFields(fields);

  // The description gets what is left of the embed's 6,000 characters after title and fields.
  const used = (title && !mention ? title.length : 0) + fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  const room = Math.min(LIMITS.description, LIMITS.embedTotal - used);
  const text = neutralizeBroadcasts(message.text);
  if (text.trim() !== '') embed.setDescription(truncate(text, room));
  else if ((!title || mention) && fields.length === 0) embed.setDescription('\u200b');

  const { rows, dropped } = buttonRows(message.buttons ?? []);
  const content = mention ? clip(`<@${mention}>${title ? ` ${neutralizeAllMentions(title)}` : ''}`, LIMITS.content) : '';
  return {
    content,
    embeds: [embed.toJSON()],
    components: rows,
    allowedMentions: { parse: [], users: mention ? [mention] : [], repliedUser: false },
    dropped,
  };
}

function buttonRows(buttons: Button[]): { rows: APIActionRowComponent<APIButtonComponent>[]; dropped: number } {
  // A custom_id over 100 characters would make Discord refuse the whole message; lose the button, not the message.
  const usable = buttons.filter((button) => button.value.length <= LIMITS.customId).slice(0, LIMITS.buttonsPerRow * LIMITS.rows);
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let start = 0; start < usable.length; start += LIMITS.buttonsPerRow) {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      usable.slice(start, start + LIMITS.buttonsPerRow).map((button) =>
        new ButtonBuilder()
          .setCustomId(button.value)
          .setLabel(clip(button.label, LIMITS.buttonLabel) || '…')
          .setStyle(button.style === 'primary' ? ButtonStyle.Primary : button.style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Secondary),
      ),
    );
    rows.push(row.toJSON());
  }
  return { rows, dropped: buttons.length - usable.length };
}

/** The REST body for a new channel message, optionally as a reply (DMs have no threads). */
export function messageBody(payload: DiscordPayload, replyTo?: string): RESTPostAPIChannelMessageJSONBody {
  return {
    ...(payload.content ? { content: payload.content } : {}),
    embeds: payload.embeds,
    components: payload.components,
    allowed_mentions: { parse: [], users: payload.allowedMentions.users, replied_user: false },
    // fail_if_not_exists: false — if the root message was deleted, still post rather than fail.
    ...(replyTo ? { message_reference: { message_id: replyTo, fail_if_not_exists: false } } : {}),
  };
}

/** The REST body for an edit: every part is sent, so removed buttons and mentions really go away. */
export function editBody(payload: DiscordPayload): RESTPostAPIChannelMessageJSONBody {
  return {
    content: payload.content,
    embeds: payload.embeds,
    components: payload.components,
    allowed_mentions: { parse: [], users: payload.allowedMentions.users, replied_user: false },
  };
}

/** The same payload as discord.js interaction options (reply, editReply, update, followUp). */
export function interactionOptions(payload: DiscordPayload) {
  return {
    content: payload.content,
    embeds: payload.embeds,
    components: payload.components,
    allowedMentions: payload.allowedMentions,
  };
}
