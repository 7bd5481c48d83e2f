/**
 * Descriptions of common field names, applied to every OpenAPI property that has no description of
 * its own (a field's own `.describe()` in its zod schema always wins). One place documents the
 * vocabulary shared by all resources.
 */
export const FIELD_GLOSSARY: Record<string, string> = {
  id: 'Id (UUIDv7)',
  accountId: 'Account (company) id',
  accountType: 'customer, prospect, partner, competitor or reseller',
  active: 'False once the member has been removed',
  actorUserId: 'User who made the change (for API keys, the key creator)',
  address: 'Postal address',
  addresses: 'Addresses (personal, business, mailing)',
  after: 'The record after the change, as the API shows it',
  at: 'When it happened',
  authorityLevel: 'Decision authority of the contact, e.g. decision maker, influencer',
  autoCreatedFromContact: 'Created automatically because the contact was given status lead',
  before: 'The record before the change, as the API showed it',
  body: 'Text of the note, email or call summary',
  budgetRange: 'Budget range, e.g. 10k-50k',
  campaign: 'Marketing campaign (attribution)',
  city: 'City',
  closeDate: 'Expected or actual close date',
  code: 'Machine-readable error code',
  company: "The contact's company name",
  companyName: 'Company as written on the contact',
  companySize: 'Employee count range',
  contactId: 'Contact (person) id',
  convertedAccountId: 'Account the lead was converted into',
  convertedDealId: 'Deal the lead was converted into',
  country: 'Country',
  createdBy: 'User who created it',
  currency: 'ISO 4217 currency code',
  data: 'The records of this page',
  dealId: 'Deal id',
  defaultCountry: 'ISO country for phone numbers without a country code',
  department: 'Department',
  description: 'Free-text description',
  detail: 'Human-readable explanation',
  doNotContact: 'Never contact this person (DND)',
  domain: 'Web domain, e.g. acme.com',
  durationMinutes: 'Duration in minutes',
  e164: 'The number in E.164 form, e.g. +14155552671',
  email: 'Email address',
  emails: 'Email addresses, primary first',
  entityId: 'Id of the changed record',
  error: 'Why this record failed',
  errors: 'One entry per problem: the field and the reason',
  expectedCloseDate: 'Expected close date (YYYY-MM-DD)',
  externalId: 'Id of this record in the system it came from; unique per workspace and entity',
  failed: 'How many records failed',
  created: 'How many records were created',
  field: 'The field at fault, e.g. email or records[3].phone',
  firstName: 'Given name',
  forecastCategory: 'pipeline, best_case, commit, closed or omitted',
  formName: 'Web form the lead came through',
  gdprConsent: 'Consent to processing personal data was given',
  health: 'Account health: green, yellow, red or black',
  index: 'Position of the record in the request',
  industry: 'Industry',
  influence: 'Influence on the buying decision: high, medium or low',
  instance: 'The request path',
  isConvertedFromLead: 'Became a customer through a won lead',
  isDefault: 'The pipeline new leads go to when none is given',
  isDuplicate: 'Flagged as a possible duplicate',
  isPrimaryContact: "The account's primary contact",
  jobTitle: 'Job title',
  label: 'Label, e.g. work, home, mobile',
  landingPage: 'Landing page URL',
  lastName: 'Family name',
  leadId: 'Lead id',
  lifecycleStage: 'Lifecycle stage, e.g. MQA, SQA, customer, churned',
  lostReason: 'Why the lead was lost',
  marketingStage: 'awareness, consideration or decision',
  medium: 'UTM medium',
  metadata: 'Additional details (JSON object)',
  name: 'Name',
  nextCursor: 'Cursor of the next page; null on the last page',
  normalized: 'Trimmed, lower-cased email used for matching',
  originLeadId: 'The lead this deal came from',
  outcome: 'Outcome, e.g. connected, no_answer',
  ownerId: 'Owner (a member of the workspace)',
  password: 'Password (at least 10 characters)',
  phone: 'Phone number',
  phones: 'Phone numbers, primary first',
  position: 'Order, from 0',
  postcode: 'Postal code',
  predictedProbability: 'Predicted probability of winning (0–1)',
  preferredChannel: 'Preferred channel: email, phone, sms, whatsapp, …',
  primary: 'The primary entry',
  primaryContactId: 'Primary contact of the deal',
  priority: 'low, medium, high or urgent',
  productInterest: 'Product or service of interest',
  reason: 'What is wrong with the field',
  records: 'The records to create (1 to 1,000)',
  referrer: 'Referring URL',
  requestId: 'Id of the request (also in the server log)',
  results: 'One result per record, in request order',
  role: 'Role',
  score: 'Lead score 0–100',
  source: 'Where the record came from: website, referral, partner, …',
  spamScore: 'Spam likelihood 0–100',
  stageName: 'Name of the current stage',
  stageType: 'open, won or lost',
  stages: 'Stages in order',
  state: 'State or region',
  status: 'Status',
  street1: 'Street, first line',
  street2: 'Street, second line',
  subject: 'Subject or one-line summary',
  taxId: 'Tax id, e.g. GSTIN',
  temperature: 'cold, warm or hot',
  term: 'UTM term',
  timeline: 'Purchase timeline, e.g. this quarter',
  title: 'Short title',
  type: 'Type',
  user: 'The user',
  validationStatus: 'unverified, valid or invalid',
  website: 'Website URL',
  workspaceName: 'Name of the workspace to create',
  limit: 'Page size',
  contactVersion: "Version of the lead's contact",
};

type Schema = {
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: Schema | boolean;
};

function fill(s: Schema | undefined): void {
  if (!s || typeof s !== 'object') return;
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const own = v.description ?? v.anyOf?.find((x) => x.description)?.description;
    if (!own && FIELD_GLOSSARY[k]) v.description = FIELD_GLOSSARY[k];
    fill(v);
  }
  if (s.items) fill(s.items);
  for (const list of [s.anyOf, s.oneOf, s.allOf]) list?.forEach(fill);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') fill(s.additionalProperties);
}

type Doc = {
  paths?: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; description?: string; schema?: Schema }[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
        responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
};

/** Fills missing property and parameter descriptions of an OpenAPI document from the glossary. */
export function describeFields<T>(doc: T): T {
  const d = doc as Doc;
  for (const ops of Object.values(d.paths ?? {}))
    for (const op of Object.values(ops)) {
      for (const p of op.parameters ?? [])
        if (!p.description) p.description = p.schema?.description ?? FIELD_GLOSSARY[p.name];
      for (const c of Object.values(op.requestBody?.content ?? {})) fill(c.schema);
      for (const r of Object.values(op.responses ?? {}))
        for (const c of Object.values(r.content ?? {})) fill(c.schema);
    }
  for (const s of Object.values(d.components?.schemas ?? {})) fill(s);
  return doc;
}
