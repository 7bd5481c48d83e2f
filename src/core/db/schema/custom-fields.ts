import { boolean, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { recordMeta, tenantId } from './common.js';
import { workspaces } from './tenancy.js';

export const CUSTOM_FIELD_ENTITIES = ['contact', 'lead', 'appointment', 'account', 'deal'] as const;
export const CUSTOM_FIELD_TYPES = [
  'text',
  'number',
  'money',
  'date',
  'boolean',
  'select',
  'multiselect',
  'url',
  'email',
  'phone',
] as const;
export type CustomFieldOption = { value: string; label: string };

/**
 * A workspace-defined field. Values live in the `custom` jsonb of the entity's rows under `key`.
 * Contact-level fields are shown, inherited, on each lead of the contact. Archiving (soft delete)
 * hides a field from forms but keeps its values.
 */
export const customFieldDefinitions = pgTable(
  'custom_field_definitions',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    entity: text({ enum: CUSTOM_FIELD_ENTITIES }).notNull(),
    key: text().notNull(),
    label: text().notNull(),
    type: text({ enum: CUSTOM_FIELD_TYPES }).notNull(),
    options: jsonb().$type<CustomFieldOption[]>(),
    required: boolean().notNull().default(false),
    description: text(),
    position: integer().notNull().default(0),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('custom_field_definitions_key').on(t.workspaceId, t.entity, t.key),
  ],
);
