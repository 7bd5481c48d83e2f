/**
 * The body of the benchmark's create (POST /leads with flat contact fields). Only the email and the
 * number in the last name differ between requests; the number does not change the contact's match keys,
 * so every request of a run looks up the same candidate block (the floor replays the lookup of one).
 */
export const createBody = (email: string, seq: number) => ({
  firstName: 'Bench',
  lastName: `Run ${seq}`,
  email,
  company: 'Bench Co',
  source: 'bench-api',
  title: 'Benchmark lead',
});
