import type { Update } from "grammy/types";

// The Bot API's update kinds. The metric label comes from this list, never from the JSON's
// keys: a forged or future update must not create a new time series.
const UPDATE_TYPES = [
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_connection",
  "business_message",
  "edited_business_message",
  "deleted_business_messages",
  "message_reaction",
  "message_reaction_count",
  "inline_query",
  "chosen_inline_result",
  "callback_query",
  "shipping_query",
  "pre_checkout_query",
  "purchased_paid_media",
  "poll",
  "poll_answer",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "chat_boost",
  "removed_chat_boost",
] as const;

export type UpdateType = (typeof UPDATE_TYPES)[number] | "other";

/** The update's kind, or "other" for anything not in the Bot API's list. */
export function updateTypeOf(update: Update): UpdateType {
  const keys = Object.keys(update);
  return UPDATE_TYPES.find((type) => keys.includes(type)) ?? "other";
}
