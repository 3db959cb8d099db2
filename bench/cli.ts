// `projectgraph` run from the source, so the bench measures the code as it is now, not dist/ as last compiled.
import { runMain } from '../src/cli.ts';

await runMain(process.argv.slice(2));
