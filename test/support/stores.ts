// Both store implementations over one build, for tests that hold them to the same assertions (describe.each).
import { push } from '../../src/push/push.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { RemoteStore } from '../../src/store/remote.ts';
import type { Store } from '../../src/store/store.ts';
import { startVirtuoso, type Virtuoso } from '../push/support/virtuoso.ts';

export interface StoreUnderTest {
  name: 'embedded' | 'virtuoso';
  store: Store;
  close(): Promise<void>;
}

/** The build pushed into a fresh Virtuoso (dba/dba), whose endpoint a RemoteStore reads. */
export async function virtuosoStore(outDir: string): Promise<StoreUnderTest & { virtuoso: Virtuoso }> {
  // No skip: without virtuoso-t this throws with the reason, and every test using the store fails.
  const virtuoso = await startVirtuoso();
  try {
    const report = await push({
      outDir,
      store: virtuoso.sparql,
      graphStore: virtuoso.graphStore,
      user: 'dba',
      password: 'dba',
      // The push state goes with the database, not beside the build, so a later push starts afresh.
      stateFile: `${virtuoso.dir}/push-state.json`,
    });
    if (report.outOfSync.length > 0) {
      throw new Error(`the push into Virtuoso left graphs out of sync: ${JSON.stringify(report.outOfSync)}`);
    }
    const store = await RemoteStore.connect({ endpoint: virtuoso.sparql });
    return { name: 'virtuoso', store, virtuoso, close: () => virtuoso.stop() };
  } catch (e) {
    await virtuoso.stop();
    throw e;
  }
}

/**
 * The embedded store loaded from `outDir` and a remote store over a Virtuoso holding the same build.
 * Call close() of each in afterAll; Virtuoso takes some seconds to start, so give beforeAll a minute.
 */
export async function bothStores(outDir: string): Promise<StoreUnderTest[]> {
  return [await openStore('embedded', outDir), await openStore('virtuoso', outDir)];
}

/** The names describe.each runs over: `describe.each(STORE_NAMES)('%s store', (name) => …)`. */
export const STORE_NAMES = ['embedded', 'virtuoso'] as const;

/** One of the two, for a describe.each block's beforeAll. */
export async function openStore(name: StoreUnderTest['name'], outDir: string): Promise<StoreUnderTest> {
  if (name === 'virtuoso') return virtuosoStore(outDir);
  return { name, store: await EmbeddedStore.load(outDir), close: async () => {} };
}
