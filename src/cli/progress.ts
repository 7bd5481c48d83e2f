import cliProgress from 'cli-progress';

const LABELS: Record<string, string> = {
  accounts: 'Accounts  ',
  contacts: 'Contacts  ',
  leads: 'Leads     ',
  verify: 'Check FKs ',
  analyze: 'Analyze   ',
  work: 'Daily work',
  scores: 'Scores    ',
};

/**
 * One progress bar per phase of long work. On a terminal the bar redraws in place; otherwise (CI,
 * pipes) a line is printed when each phase completes.
 */
export function phaseProgress(stream: NodeJS.WriteStream = process.stderr) {
  const tty = !!stream.isTTY;
  let current: { phase: string; bar: cliProgress.SingleBar | null; started: number; total: number } | null =
    null;

  const finish = () => {
    if (!current) return;
    if (current.bar) current.bar.stop();
    else if (current.total <= 1)
      stream.write(
        `${LABELS[current.phase] ?? current.phase} done in ${((performance.now() - current.started) / 1000).toFixed(1)} s\n`,
      );
    else
      stream.write(
        `${LABELS[current.phase] ?? current.phase} done: ${current.total.toLocaleString('en-US')} in ${((performance.now() - current.started) / 1000).toFixed(1)} s\n`,
      );
    current = null;
  };

  const update = (phase: string, done: number, total: number) => {
    if (current?.phase !== phase) {
      finish();
      const bar = tty
        ? new cliProgress.SingleBar(
            {
              stream,
              format: `${LABELS[phase] ?? phase} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
              hideCursor: true,
              barsize: 30,
              formatValue: (v, _o, type) =>
                type === 'value' || type === 'total' ? v.toLocaleString('en-US') : String(v),
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
      bar?.start(total, 0);
      current = { phase, bar, started: performance.now(), total };
    }
    current.total = total;
    current.bar?.setTotal(total);
    current.bar?.update(done);
  };

  return { update, stop: finish };
}
