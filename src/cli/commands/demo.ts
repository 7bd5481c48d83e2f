import type { Command } from 'commander';
import {
  DEMO_DEFAULT_EMAIL,
  type DemoResult,
  generateDemo,
  MAX_DEMO_LEADS,
} from '../../core/demo/demo.service.js';
import { describeDatabase, withDatabase } from '../db.js';
import { intOption } from '../errors.js';
import { phaseProgress } from '../progress.js';

type DemoFlags = {
  email: string;
  password?: string;
  name?: string;
  workspaceName?: string;
  leads: number;
  contacts?: number;
  accounts?: number;
  seed?: number;
  batchSize?: number;
};

const n = (v: number) => v.toLocaleString('en-US');

export function printDemoResult(r: DemoResult, where: string): void {
  const c = r.counts;
  console.log('');
  console.log(`Demo workspace "${r.workspaceName}" (${r.workspaceId}) in ${where}`);
  console.log(
    `  ${n(c.leads)} leads, ${n(c.contacts)} contacts, ${n(c.accounts)} accounts, ${n(c.activities)} activities, ${n(c.deals)} deals, ${c.members} members`,
  );
  console.log(
    `  ${n(r.work.tasks)} tasks, ${n(r.work.appointments)} appointments, ${r.work.teams} teams, ${r.work.assignmentRules} assignment rules, ${r.work.scoringRules} scoring rules`,
  );
  console.log(
    `  leads by status: ${Object.entries(r.leadsByStatus)
      .map(([s, k]) => `${s} ${n(k)}`)
      .join(', ')}`,
  );
  console.log(
    `  took ${r.seconds.total.toFixed(1)} s (accounts ${r.seconds.accounts.toFixed(1)} s, contacts ${r.seconds.contacts.toFixed(1)} s, leads+activities ${r.seconds.leads.toFixed(1)} s, foreign keys ${r.seconds.verify.toFixed(1)} s, analyze ${r.seconds.analyze.toFixed(1)} s, daily work ${r.seconds.work.toFixed(1)} s, scores ${r.seconds.scores.toFixed(1)} s)`,
  );
  console.log('');
  console.log('Sign in as the owner:');
  console.log(`  email:    ${r.owner.email}`);
  if (r.password)
    console.log(`  password: ${r.password}${r.passwordGenerated ? '   (generated; shown only now)' : ''}`);
  else console.log('  password: unchanged (this user already existed; the workspace was added to it)');
  console.log('Team (same password when created by this run):');
  for (const m of r.members)
    console.log(`  ${m.role.padEnd(8)} ${m.email}${m.created ? '' : ' (existing user)'}`);
}

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('Load a realistic sample workspace: team, accounts, contacts, leads, activities and deals')
    .option('--email <email>', 'owner email', DEMO_DEFAULT_EMAIL)
    .option('--password <password>', 'owner password (at least 10 characters; generated when absent)')
    .option('--name <name>', 'owner name', 'Alex Morgan')
    .option('--workspace-name <name>', 'workspace name')
    .option(
      '--leads <n>',
      `number of leads (up to ${n(MAX_DEMO_LEADS)})`,
      intOption('--leads', 1, MAX_DEMO_LEADS),
      3000,
    )
    .option(
      '--contacts <n>',
      'number of contacts (default: two thirds of the leads)',
      intOption('--contacts', 1, MAX_DEMO_LEADS),
    )
    .option(
      '--accounts <n>',
      'number of accounts (default: a tenth of the leads, at least 20)',
      intOption('--accounts', 1, MAX_DEMO_LEADS),
    )
    .option('--seed <n>', 'random seed (same seed, same data)', intOption('--seed', 0, 2 ** 32 - 1))
    .option(
      '--batch-size <n>',
      'rows per INSERT (default 10,000 on PostgreSQL, 2,000 on PGlite)',
      intOption('--batch-size', 100, 50_000),
    )
    .action(async (f: DemoFlags) => {
      const where = describeDatabase();
      await withDatabase(async (h) => {
        console.error(`Loading demo data into ${where}…`);
        const progress = phaseProgress();
        try {
          const r = await generateDemo(
            h.db,
            {
              email: f.email,
              password: f.password,
              ownerName: f.name,
              workspaceName: f.workspaceName,
              leads: f.leads,
              contacts: f.contacts,
              accounts: f.accounts,
              seed: f.seed,
              batchSize: f.batchSize ?? (h.kind === 'postgres' ? 10_000 : 2_000),
            },
            progress.update,
          );
          progress.stop();
          printDemoResult(r, where);
        } finally {
          progress.stop();
        }
      });
    });
}
