import type { ViewOutput } from '@slack/bolt';
import { z } from 'zod';

/**
 * What Slack sends for the inputs of our modals, checked field by field: a submission Slack would
 * never send (a field of another type, an option we never offered, megabytes of text) is refused
 * rather than half-read.
 */
const stateValueSchema = z
  .object({
    type: z.string().max(64),
    value: z.string().max(200_000).nullable().optional(),
    selected_option: z
      .object({ value: z.string().max(2_000) })
      .passthrough()
      .nullable()
      .optional(),
    selected_options: z
      .array(z.object({ value: z.string().max(2_000) }).passthrough())
      .max(10)
      .optional(),
  })
  .passthrough();

const stateSchema = z.record(z.string().max(255), z.record(z.string().max(255), stateValueSchema));
export type StateValues = z.infer<typeof stateSchema>;

export const parseState = (view: ViewOutput): StateValues | null => {
  const parsed = stateSchema.safeParse(view.state?.values ?? {});
  return parsed.success ? parsed.data : null;
};

/** The typed text of a plain_text_input block ('' when empty); null when the block is not a text input. */
export function textOf(values: StateValues, blockId: string): string | null {
  const field = Object.values(values[blockId] ?? {})[0];
  if (field === undefined) return '';
  if (field.type !== 'plain_text_input') return null;
  return field.value ?? '';
}

/** The selected option of a radio_buttons / static_select block (undefined when none; null when malformed). */
export function selectedOf(values: StateValues, blockId: string): string | undefined | null {
  const field = Object.values(values[blockId] ?? {})[0];
  if (field === undefined) return undefined;
  if (field.type !== 'radio_buttons' && field.type !== 'static_select') return null;
  return field.selected_option?.value ?? undefined;
}

/** The ticked option values of a checkboxes block ([] when none; null when malformed). */
export function checkedOf(values: StateValues, blockId: string): string[] | null {
  const field = Object.values(values[blockId] ?? {})[0];
  if (field === undefined) return [];
  if (field.type !== 'checkboxes') return null;
  return (field.selected_options ?? []).map((o) => o.value);
}
