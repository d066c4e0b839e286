/**
 * `gainlab experiment` (src-cli/commands/experiment.ts) prints one line per step of a definition.
 * A long step now reports its way through with the step's own words and its share done
 * (beginStep in src-shared/experiments/support.ts), which moves the app's progress bar; the
 * terminal gets the step's line once, not once per report (fig6's speeds: src-shared/experiments/fig6.ts).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDirs.js';

describe('gainlab experiment: progress on stderr', () => {
  it("prints a step's line once although the step reports its share done many times", async () => {
    const ran = await runCli(tempDir('experiment-lines'), ['experiment', 'fig6', '--quick', '--speeds', '3', '--trials', '20', '--iterations', '4', '--out', 'fig6-out']);
    expect(ran.code, ran.stderr).toBe(0);
    const lines = ran.stderr.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('fig6: learning patterns at factors 1.000, 2.000, 3.000'))).toHaveLength(1);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.slice(0, 2)).toEqual(['fig6: network', 'fig6: Fig. 6b: 3× slow variant, reward rule']);
  });
});
