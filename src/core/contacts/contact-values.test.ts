import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { normalizeEmails, normalizePhones, withPrimaryEmail, withPrimaryPhone } from './contact-values.js';

describe('contact emails and phones', () => {
  it('trims and lower-cases emails for matching, keeps what was typed, and puts the primary first', () => {
    const list = normalizeEmails([
      { email: ' Work@Acme.COM ', label: 'work' },
      { email: 'home@example.com', primary: true },
      { email: 'work@acme.com' },
    ]);
    expect(list).toEqual([
      { email: 'home@example.com', normalized: 'home@example.com', label: null, primary: true },
      { email: 'Work@Acme.COM', normalized: 'work@acme.com', label: 'work', primary: false },
    ]);
  });

  it('makes the first email primary when none is marked', () => {
    expect(normalizeEmails([{ email: 'a@x.io' }, { email: 'b@x.io' }]).map((e) => e.primary)).toEqual([
      true,
      false,
    ]);
  });

  it('stores phones as E.164 using the workspace country for local numbers', () => {
    const list = normalizePhones(
      [{ phone: '(415) 555-2671' }, { phone: '+44 20 7946 0958', label: 'uk' }],
      'US',
    );
    expect(list.map((p) => p.e164)).toEqual(['+14155552671', '+442079460958']);
    expect(normalizePhones([{ phone: '020 7946 0958' }], 'GB')[0]!.e164).toBe('+442079460958');
  });

  it('refuses a number that is not a phone number, naming the entry', () => {
    try {
      normalizePhones([{ phone: '+14155552671' }, { phone: '12' }], 'US');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).errors).toEqual([
        { field: 'phones[1].phone', reason: expect.stringContaining('not a valid phone number') },
      ]);
    }
  });

  it('replaces only the primary when a single email or phone is written', () => {
    const current = normalizeEmails([{ email: 'old@x.io' }, { email: 'other@x.io' }]);
    expect(withPrimaryEmail(current, 'New@x.io').map((e) => e.normalized)).toEqual([
      'new@x.io',
      'other@x.io',
    ]);
    expect(withPrimaryEmail(current, null).map((e) => [e.normalized, e.primary])).toEqual([
      ['other@x.io', true],
    ]);
    const phones = normalizePhones([{ phone: '+14155552671' }], 'US');
    expect(withPrimaryPhone(phones, '415-555-0000', 'US').map((p) => p.e164)).toEqual(['+14155550000']);
  });
});
