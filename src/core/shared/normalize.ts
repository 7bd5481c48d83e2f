import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/** Emails match case-insensitively after trimming. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** Phones are stored and matched as E.164; numbers without a country code use the workspace's country. */
export function normalizePhone(raw: string, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry as CountryCode);
  if (!parsed?.isValid()) return null;
  return parsed.number;
}

export const normalizeDomain = (input: string): string =>
  input
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/.*$/, '');
