import { describe, expect, it } from 'vitest';
import { normalizeHeader, suggestMapping } from './column-mapping.js';
import { staticFields } from './import-fields.js';
import type { ImportEntity, TargetField } from './imports.schemas.js';

/** header → suggested field, for the headers given. */
const mapOf = (entity: ImportEntity, headers: string[], rows?: (string | null)[][], fields?: TargetField[]) =>
  Object.fromEntries(
    suggestMapping(headers, fields ?? staticFields(entity), rows).map((s) => [s.header, s.field]),
  );

describe('suggestMapping', () => {
  it('normalizes case, accents, spaces and punctuation', () => {
    expect(normalizeHeader('  E-Mail_Adresse ')).toBe('e mail adresse');
    expect(normalizeHeader('firstName')).toBe('first name');
    expect(normalizeHeader('Téléphone')).toBe('telephone');
    expect(normalizeHeader('form_street_1')).toBe('form street 1');
    const m = mapOf('leads', ['FIRST NAME', 'last-name', 'E.mail', 'Téléphone']);
    expect(m).toEqual({
      'FIRST NAME': 'firstName',
      'last-name': 'lastName',
      'E.mail': 'email',
      Téléphone: 'phone',
    });
  });

  it('maps a Salesforce lead export the way a user expects (Title is the job title, Rating the temperature)', () => {
    const headers = [
      'Lead ID',
      'First Name',
      'Last Name',
      'Title',
      'Company',
      'Email',
      'Phone',
      'Mobile',
      'Lead Source',
      'Lead Status',
      'Street',
      'City',
      'State/Province',
      'Zip/Postal Code',
      'Country',
      'Rating',
      'Annual Revenue',
      'Industry',
      'Description',
      'Lead Owner',
      'Created Date',
    ]; // prettier-ignore
    expect(mapOf('leads', headers)).toEqual({
      'Lead ID': 'externalId',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Title: 'jobTitle',
      Company: 'company',
      Email: 'email',
      Phone: 'phone',
      Mobile: 'phone2',
      'Lead Source': 'source',
      'Lead Status': 'status',
      Street: 'address.street1',
      City: 'address.city',
      'State/Province': 'address.state',
      'Zip/Postal Code': 'address.postcode',
      Country: 'address.country',
      Rating: 'temperature',
      'Annual Revenue': null,
      Industry: null,
      Description: null,
      'Lead Owner': 'owner',
      'Created Date': 'createdAt',
    });
  });

  it('maps a Salesforce account export, billing address included', () => {
    const headers = [
      'Account Name',
      'Website',
      'Phone',
      'Type',
      'Industry',
      'Employees',
      'Annual Revenue',
      'Billing Street',
      'Billing City',
      'Billing State/Province',
      'Billing Zip/Postal Code',
      'Billing Country',
      'Account Owner',
      'Description',
    ]; // prettier-ignore
    expect(mapOf('accounts', headers)).toEqual({
      'Account Name': 'name',
      Website: 'website',
      Phone: 'phone',
      Type: 'accountType',
      Industry: 'industry',
      Employees: 'companySize',
      'Annual Revenue': 'annualRevenue',
      'Billing Street': 'address.street1',
      'Billing City': 'address.city',
      'Billing State/Province': 'address.state',
      'Billing Zip/Postal Code': 'address.postcode',
      'Billing Country': 'address.country',
      'Account Owner': 'owner',
      Description: 'description',
    });
  });

  it('maps a HubSpot contact export, for contacts and for leads', () => {
    const headers = [
      'Record ID',
      'First Name',
      'Last Name',
      'Email',
      'Phone Number',
      'Mobile Phone Number',
      'Company Name',
      'Job Title',
      'Lifecycle Stage',
      'Original Source',
      'Contact owner',
      'Create Date',
      'Street Address',
      'City',
      'Postal Code',
    ]; // prettier-ignore
    const common = {
      'Record ID': 'externalId',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      'Phone Number': 'phone',
      'Mobile Phone Number': 'phone2',
      'Company Name': 'company',
      'Job Title': 'jobTitle',
      'Original Source': 'source',
      'Contact owner': 'owner',
      'Create Date': 'createdAt',
      'Street Address': 'address.street1',
      City: 'address.city',
      'Postal Code': 'address.postcode',
    };
    expect(mapOf('contacts', headers)).toEqual({ ...common, 'Lifecycle Stage': 'status' });
    expect(mapOf('leads', [...headers, 'Lead Status'])).toEqual({
      ...common,
      'Lifecycle Stage': 'marketingStage',
      'Lead Status': 'status',
    });
  });

  it('maps a Pipedrive lead export ("Person - Email", "Organization - Name") and a deal export', () => {
    const leads = mapOf('leads', [
      'Lead - Title',
      'Lead - Source',
      'Person - Name',
      'Person - Email',
      'Person - Phone',
      'Organization - Name',
      'Deal - Value',
      'Deal - Owner',
      'Lead - Lead created',
    ]); // prettier-ignore
    expect(leads).toEqual({
      'Lead - Title': 'title',
      'Lead - Source': 'source',
      'Person - Name': 'fullName',
      'Person - Email': 'email',
      'Person - Phone': 'phone',
      'Organization - Name': 'company',
      'Deal - Value': 'dealValue',
      'Deal - Owner': 'owner',
      'Lead - Lead created': 'createdAt',
    });
    const deals = mapOf('deals', [
      'Deal - Title',
      'Deal - Value',
      'Deal - Currency',
      'Deal - Owner',
      'Deal - Stage',
      'Deal - Expected close date',
      'Organization - Name',
      'Person - Email',
    ]); // prettier-ignore
    expect(deals).toEqual({
      'Deal - Title': 'name',
      'Deal - Value': 'amount',
      'Deal - Currency': 'currency',
      'Deal - Owner': 'owner',
      'Deal - Stage': 'stage',
      'Deal - Expected close date': 'closeDate',
      'Organization - Name': 'account',
      'Person - Email': 'contactEmail',
    });
  });

  it('maps a Zoho lead export: a lone Mobile is the phone', () => {
    const m = mapOf('leads', [
      'First Name',
      'Last Name',
      'Email',
      'Mobile',
      'Lead Source',
      'Lead Status',
      'Zip Code',
      'Company',
      'Lead Owner',
    ]); // prettier-ignore
    expect(m).toEqual({
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      Mobile: 'phone',
      'Lead Source': 'source',
      'Lead Status': 'status',
      'Zip Code': 'address.postcode',
      Company: 'company',
      'Lead Owner': 'owner',
    });
  });

  it("maps the legacy PHP leads table's columns", () => {
    const m = mapOf('leads', [
      'id',
      'first_name',
      'last_name',
      'cell_phone',
      'email',
      'business_name',
      'form_street_1',
      'form_street_2',
      'form_city',
      'form_state',
      'form_postcode',
      'form_country',
      'lead_source',
      'stage',
      'services_interested_in',
      'created_at',
    ]); // prettier-ignore
    expect(m).toEqual({
      id: 'externalId',
      first_name: 'firstName',
      last_name: 'lastName',
      cell_phone: 'phone',
      email: 'email',
      business_name: 'company',
      form_street_1: 'address.street1',
      form_street_2: 'address.street2',
      form_city: 'address.city',
      form_state: 'address.state',
      form_postcode: 'address.postcode',
      form_country: 'address.country',
      lead_source: 'source',
      stage: 'stage',
      services_interested_in: 'productInterest',
      created_at: 'createdAt',
    });
  });

  it("maps Leadbase's own export headers (the field labels) with confidence 1, for every entity", () => {
    for (const entity of ['leads', 'contacts', 'accounts', 'deals', 'activities'] as const) {
      const fields = staticFields(entity);
      const s = suggestMapping(
        fields.map((f) => f.label),
        fields,
      );
      expect(s.map((x) => x.field)).toEqual(fields.map((f) => f.key));
      expect(s.every((x) => x.confidence === 1)).toBe(true);
    }
  });

  it('is entity-aware: Name is the person on leads and contacts, the record on accounts and deals', () => {
    expect(mapOf('leads', ['Name', 'Status'])).toEqual({ Name: 'fullName', Status: 'status' });
    expect(mapOf('contacts', ['Name', 'Status', 'Account Name'])).toEqual({
      Name: 'fullName',
      Status: 'status',
      'Account Name': 'account',
    });
    expect(mapOf('accounts', ['Name'])).toEqual({ Name: 'name' });
    expect(mapOf('deals', ['Name', 'Amount'])).toEqual({ Name: 'name', Amount: 'amount' });
    expect(mapOf('activities', ['Type', 'Subject', 'Notes', 'Date', 'Email'])).toEqual({
      Type: 'type',
      Subject: 'subject',
      Notes: 'body',
      Date: 'occurredAt',
      Email: 'contactEmail',
    });
  });

  it('suggests each field once, the best match winning, and gives confidences by kind of match', () => {
    const s = suggestMapping(['Email', 'E-mail', 'Work Email', 'Emial Adress'], staticFields('leads'));
    expect(s.map((x) => [x.header, x.field, x.confidence])).toEqual([
      ['Email', 'email', 1],
      ['E-mail', null, 0],
      ['Work Email', null, 0],
      ['Emial Adress', null, 0],
    ]);
    const loose = suggestMapping(
      ['E-mail Adress', 'Your Phone', 'Contact First Name', 'Colour'],
      staticFields('leads'),
    );
    expect(loose.map((x) => x.field)).toEqual(['email', 'phone', 'firstName', null]);
    for (const x of loose.slice(0, 3)) {
      expect(x.confidence).toBeGreaterThanOrEqual(0.5);
      expect(x.confidence).toBeLessThan(0.9);
    }
    expect(loose[0]!.confidence).toBeLessThan(0.8);
  });

  it('matches custom fields by label and key, and a lead contact-level field by "Contact: X"', () => {
    const fields: TargetField[] = [
      ...staticFields('leads'),
      { key: 'custom.budget_eur', label: 'Budget (EUR)', type: 'money', group: 'custom', required: false },
      { key: 'custom.roof_type', label: 'Roof type', type: 'select', group: 'custom', required: false },
      {
        key: 'contact.custom.birthday',
        label: 'Contact: Birthday',
        type: 'date',
        group: 'contact_custom',
        required: false,
      },
      {
        key: 'contact.custom.shoe_size',
        label: 'Contact: Shoe size',
        type: 'number',
        group: 'contact_custom',
        required: false,
      },
    ];
    const s = suggestMapping(['Budget (EUR)', 'roof_type', 'Contact: Birthday', 'Shoe Size'], fields);
    expect(s.map((x) => [x.field, x.confidence])).toEqual([
      ['custom.budget_eur', 1],
      ['custom.roof_type', 1],
      ['contact.custom.birthday', 1],
      ['contact.custom.shoe_size', 0.95],
    ]);
  });

  it('uses sample values: a column of emails is the email, phones the phone; a loose guess the values contradict is dropped', () => {
    const headers = ['Col A', 'Col B', 'Col C', 'Email Opt Out', 'Mail'];
    const rows = [
      ['Ann', 'ann@example.com', '+1 415 555 2671', 'false', 'yes'],
      ['Bob', 'bob@example.org', '(415) 555-0100', 'true', 'no'],
      ['Cy', null, '4155550199', null, 'no'],
    ];
    const s = suggestMapping(headers, staticFields('leads'), rows);
    expect(s.map((x) => x.field)).toEqual([null, 'email', 'phone', null, null]);
    expect(s[1]).toMatchObject({ confidence: 0.7, sample: ['ann@example.com', 'bob@example.org'] });
    expect(s[0]!.sample).toEqual(['Ann', 'Bob', 'Cy']);
    // A column called "ID" holding Leadbase ids (an export) matches records by id.
    const id = suggestMapping(['ID'], staticFields('leads'), [['0190f3a2-7c3e-7b61-9a55-6f1d2c3b4a59']]);
    expect(id[0]).toMatchObject({ field: 'id', confidence: 0.95 });
    expect(suggestMapping(['ID'], staticFields('leads'), [['48213']])[0]!.field).toBe('externalId');
  });
});
