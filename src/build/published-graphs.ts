// The named graphs as published: every statement in exactly one graph, so the graphs' union is the triple dumps and a
// store's union default graph holds each statement once however many records make it.
import { DataFactory } from 'n3';
import { DATASET_GRAPH } from '../dataset-iris.ts';
import { inVocabularyDocument } from '../publish/vocabulary.ts';
import { detached, lineSubject, type GraphSpill, type SpilledGraph } from './graph-spill.ts';

/** The graph of the statements about shared subjects that have no document under the base (blank nodes, others' IRIs). */
export const SHARED_GRAPH = 'shared';

/**
 * The graph a statement about a shared subject belongs to: the graph of the subject's document (`<base>keyword/x` →
 * `<graphs>keyword/x`). A programme that projects name is also a record, so its record's statements and the projects'
 * statements about it meet in the programme's own graph; a keyword or a place, which no record is, gets a graph of
 * its own; our vocabulary's terms stay in the dataset graph. `term` is the subject as N-Triples writes it.
 */
export function sharedGraphName(term: string, base: string, graphPrefix: string): string {
  if (term.startsWith('<') && term.endsWith('>')) {
    const iri = term.slice(1, -1);
    // Our vocabulary is the dataset graph's, whoever else states something about its terms.
    if (inVocabularyDocument(base, iri)) return `${graphPrefix}${DATASET_GRAPH}`;
    if (iri.startsWith(base) && !iri.startsWith(graphPrefix)) {
      const local = iri.slice(base.length).split('#')[0]!;
      // Minted paths are kind/id: anything else (the base itself, an escaped character) keeps to the common graph.
      if (/^[a-z]+(\/[A-Za-z0-9._~-]+)*$/.test(local)) return graphPrefix + local;
    }
  }
  return graphPrefix + SHARED_GRAPH;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The spilled record graphs (sorted by name) regrouped so that each statement sits in one graph: a record's graph
 * keeps its statements about subjects only it describes, and each statement about a subject several graphs describe
 * moves, once, to that subject's graph (sharedGraphName). Graphs that lose nothing and gain nothing stay where they
 * are in the spill; the rest are written again, each read once unless statements move into it. The result is sorted by
 * name, and no graph in it is empty.
 */
export function publishedGraphs(
  spill: GraphSpill,
  graphs: readonly SpilledGraph[],
  shared: ReadonlySet<string>,
  base: string,
  graphPrefix: string,
  /** Called as each graph is read: the pass is long at 100,000 records, and shows its progress. */
  onGraph: () => void = () => {},
): SpilledGraph[] {
  /** The graphs shared statements go to: only these wait for what the other graphs give them. */
  const targets = new Set<string>();
  for (const term of shared) targets.add(sharedGraphName(term, base, graphPrefix));
  /** The statements about shared subjects, by the graph they go to. */
  const moved = new Map<string, Set<string>>();
  /** Each graph in the result, or its place while it waits for the statements it gains. */
  const out: (SpilledGraph | undefined)[] = [];
  const waiting: { at: number; graph: SpilledGraph }[] = [];
  for (const g of graphs) {
    const own: string[] = [];
    const lines = spill.lines(g);
    for (const line of lines) {
      const subject = lineSubject(line);
      if (!shared.has(subject)) {
        own.push(line);
        continue;
      }
      const name = sharedGraphName(subject, base, graphPrefix);
      const into = moved.get(name) ?? new Set<string>();
      if (into.size === 0) moved.set(name, into);
      if (!into.has(line)) into.add(detached(line));
    }
    if (targets.has(g.name.value)) {
      // Read again when written, rather than held meanwhile.
      waiting.push({ at: out.length, graph: g });
      out.push(undefined);
    } else if (own.length === lines.length) out.push(g);
    // A subset of sorted lines is sorted.
    else if (own.length > 0) out.push(spill.add(g.name, own));
    onGraph();
  }
  for (const { at, graph } of waiting) {
    const gained = moved.get(graph.name.value);
    moved.delete(graph.name.value);
    // Own lines and moved lines have different subjects, so together they hold no repeats.
    const all = spill.lines(graph);
    const own = all.filter((line) => !shared.has(lineSubject(line)));
    if (gained === undefined && own.length === all.length) out[at] = graph;
    else {
      const lines = [...own, ...(gained ?? [])].sort(byText);
      if (lines.length > 0) out[at] = spill.add(graph.name, lines);
    }
  }
  for (const [name, lines] of moved) out.push(spill.add(DataFactory.namedNode(name), [...lines].sort(byText)));
  return out.filter((g): g is SpilledGraph => g !== undefined).sort((a, b) => byText(a.name.value, b.name.value));
}
