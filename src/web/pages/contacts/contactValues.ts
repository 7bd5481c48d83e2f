import type { Contact } from '../../api/types';
import { checkEmail, checkPhone } from '../../lib/constants';
import { txt } from '../../lib/forms';

type Row<K extends string> = Record<K, string> & { label: string; primary: boolean };
export type AddressRow = {
  type: string;
  street1: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
};

export type ContactFormValues = {
  firstName: string;
  lastName: string;
  emails: Row<'email'>[];
  phones: Row<'phone'>[];
  addresses: AddressRow[];
  companyName: string;
  jobTitle: string;
  department: string;
  role: string;
  preferredChannel: string;
  influence: string;
  accountId: string;
  status: string;
  source: string;
  ownerId: string;
  gdprConsent: boolean;
  doNotContact: boolean;
};

export function contactValues(c?: Contact): ContactFormValues {
  return {
    firstName: txt(c?.firstName),
    lastName: txt(c?.lastName),
    emails: c
      ? c.emails.map((e) => ({ email: e.email, label: txt(e.label), primary: e.primary }))
      : [{ email: '', label: '', primary: true }],
    phones: c
      ? c.phones.map((p) => ({ phone: p.phone, label: txt(p.label), primary: p.primary }))
      : [{ phone: '', label: '', primary: true }],
    addresses: (c?.addresses ?? []).map((a) => ({
      type: a.type,
      street1: txt(a.street1),
      city: txt(a.city),
      state: txt(a.state),
      postcode: txt(a.postcode),
      country: txt(a.country),
    })),
    companyName: txt(c?.companyName),
    jobTitle: txt(c?.jobTitle),
    department: txt(c?.department),
    role: txt(c?.role),
    preferredChannel: txt(c?.preferredChannel),
    influence: txt(c?.influence),
    accountId: txt(c?.accountId),
    status: c?.status ?? 'prospect',
    source: txt(c?.source),
    ownerId: txt(c?.ownerId),
    gdprConsent: c?.gdprConsent ?? false,
    doNotContact: c?.doNotContact ?? false,
  };
}

const blank = (s: string) => s.trim() === '';
const orNull = (s: string) => (blank(s) ? null : s.trim());

/**
 * The emails, phones and addresses lists as the API wants them, leaving out blank rows, with a map from
 * the API's row index back to the form's (so `phones[0].phone` errors land on the right input).
 */
export function contactLists(v: ContactFormValues) {
  const index: Record<string, number[]> = { emails: [], phones: [], addresses: [] };
  const emails: { email: string; label: string | null; primary: boolean }[] = [];
  v.emails.forEach((e, i) => {
    if (blank(e.email)) return;
    index.emails!.push(i);
    emails.push({ email: e.email.trim(), label: orNull(e.label), primary: e.primary });
  });
  const phones: { phone: string; label: string | null; primary: boolean }[] = [];
  v.phones.forEach((p, i) => {
    if (blank(p.phone)) return;
    index.phones!.push(i);
    phones.push({ phone: p.phone.trim(), label: orNull(p.label), primary: p.primary });
  });
  const addresses = v.addresses.flatMap((a, i) => {
    const parts = {
      street1: orNull(a.street1),
      city: orNull(a.city),
      state: orNull(a.state),
      postcode: orNull(a.postcode),
      country: orNull(a.country),
    };
    if (Object.values(parts).every((x) => x === null)) return [];
    index.addresses!.push(i);
    return [{ type: a.type, ...Object.fromEntries(Object.entries(parts).filter(([, x]) => x !== null)) }];
  });
  const mapField = (field: string) =>
    field.replace(
      /^(emails|phones|addresses)\[(\d+)\]/,
      (_m, list: string, n: string) => `${list}.${index[list]?.[Number(n)] ?? n}`,
    );
  return { emails, phones, addresses, mapField };
}

export const contactRules = {
  emails: { email: checkEmail },
  phones: { phone: checkPhone },
};
