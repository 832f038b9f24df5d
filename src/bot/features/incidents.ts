/**
 * /incident [N] [md]: the open incident or number N with its timeline, and a Postmortem
 * button; md (or the button) sends its postmortem as a Markdown document.
 */
import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { Clock } from "../../clock.js";
import type { IncidentsDesk } from "../../incidents/incidents-desk.js";
import type { IncidentRecord } from "../../incidents/types.js";
import { POSTMORTEM_BUTTON, postmortemButton } from "../callback-data.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { requireRole } from "../middleware/auth.js";
import { renderCurrentIncident, renderIncident } from "../render/incident.js";
import { postmortemFileName, renderPostmortem } from "../render/incident-postmortem.js";

/** "", "12", "12 md", "md": which incident, and whether as a document; undefined otherwise. */
export function parseIncidentArgs(
  text: string,
): { number?: number; markdown: boolean } | undefined {
  const match = /^(?:([1-9]\d{0,14}))?\s*(md)?$/i.exec(text.trim());
  if (!match) return undefined;
  return {
    ...(match[1] !== undefined ? { number: Number(match[1]) } : {}),
    markdown: match[2] !== undefined,
  };
}

export function incidentsFeature(deps: {
  incidents: IncidentsDesk;
  clock: Clock;
  /** ONCALL_TZ: the times incidents are shown in. */
  timeZone: string;
}) {
  const { incidents, clock, timeZone } = deps;
  const feature = new Composer<BotContext>();

  const show = (ctx: BotContext, record: IncidentRecord) =>
    ctx.reply(renderIncident(record, ctx.lang, timeZone), {
      parse_mode: "HTML",
      reply_markup: InlineKeyboard.from([
        [
          InlineKeyboard.text(
            ctx.lang.t("incident-postmortem-button"),
            postmortemButton(record.incident.number),
          ),
        ],
      ]),
    });

  const sendPostmortem = (ctx: BotContext, record: IncidentRecord) => {
    const { number } = record.incident;
    const markdown = Buffer.from(renderPostmortem(record, ctx.lang, timeZone), "utf8");
    return ctx.replyWithDocument(new InputFile(markdown, postmortemFileName(number)), {
      caption: ctx.lang.t("incident-postmortem-caption", { number: String(number) }),
    });
  };

  handleCommand(feature, "incident", async (ctx) => {
    const args = parseIncidentArgs(ctx.match);
    if (!args) return ctx.reply(ctx.lang.t("incident-usage"));
    const now = clock.now();
    if (args.number === undefined) {
      const current = await incidents.current(now);
      if (!current.open) return ctx.reply(renderCurrentIncident(current, ctx.lang, timeZone));
      return args.markdown ? sendPostmortem(ctx, current.open) : show(ctx, current.open);
    }
    const record = await incidents.incident(args.number, now);
    if (!record) {
      return ctx.reply(ctx.lang.t("incident-not-found", { number: String(args.number) }));
    }
    return args.markdown ? sendPostmortem(ctx, record) : show(ctx, record);
  });

  feature.callbackQuery(POSTMORTEM_BUTTON, requireRole("viewer"), async (ctx) => {
    // The spinner stops at once; the document follows.
    await ctx.answerCallbackQuery();
    const number = Number(ctx.match[1]);
    const record = await incidents.incident(number, clock.now());
    if (!record) return ctx.reply(ctx.lang.t("incident-not-found", { number: String(number) }));
    return sendPostmortem(ctx, record);
  });
  return feature;
}
