// Test runner settings: end-to-end tests start processes and servers, so they get generous time limits.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Files whose tests measure time, kill processes at moments or bound a server's load: they run one at a time,
 * after the rest, so no other test file competes with them for the CPU.
 */
const ALONE = [
  'test/hostile/faults.test.ts',
  'test/hostile/fair-share.test.ts',
  'test/hostile/server.test.ts',
  'test/hostile/records.test.ts',
  'test/workers/**/*.test.ts',
  'test/store/embedded.test.ts',
  'test/store/remote.test.ts',
  'test/store/describe-scaling.test.ts',
  'test/publish/output-dir.test.ts',
  'test/push/serve-store.test.ts',
  'test/serve/limits.test.ts',
  'test/serve/list-rebuild.test.ts',
  'test/serve/serve-command.test.ts',
  'test/serve/store-server.test.ts',
];

/** The longest files of those run two at a time start first, so none of them is left running alone at the end. */
const LONGEST = [
  'test/bench/bench.test.ts',
  'test/site/export-site.test.ts',
  'test/serve/resource-render.test.ts',
  'test/commands/build.test.ts',
  'test/serve/clients.test.ts',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST.findIndex((p) => f.moduleId.endsWith(p));
      return i === -1 ? LONGEST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

/**
 * Vitest 3 gives all projects one pool sized by the root's maxWorkers (a project's own is ignored), and by
 * default that is one fewer than the cores: one at a time on a two-core machine. `npm test` therefore runs
 * the projects as two invocations, `together` two files at a time (most of them wait on the servers, builds
 * and browsers they start) and `alone` one at a time.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    sequence: { sequencer: LongestFirst },
    globalSetup: ['test/support/compile.ts', 'test/support/temp-root.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'together',
          include: ['test/**/*.test.ts'],
          exclude: ALONE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
