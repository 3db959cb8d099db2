// What pass 1 learns of the records' graphs (who describes each subject, the types of every node, which nodes
// each record names), held as numbers: a term's text is kept once however many records name it, so the index
// grows by a few bytes per statement rather than by the statements' strings.

/** A subject more than one record describes. */
const SEVERAL = -1;
/** A node no record describes (it is only an object). */
const NOBODY = -2;

/** What a record's graph says that other records' results depend on, as its map entry holds it. */
export interface RecordFacts {
  /** Each subject once: its IRI (or `_:label`) and its N-Triples term. */
  subjects: readonly (readonly [string, string])[];
  /** The rdf:type IRIs of each typed subject. */
  types: readonly (readonly [string, readonly string[]])[];
  /** Every IRI the graph has as an object, once. */
  objects: readonly string[];
}

/** A growable array of 32-bit integers: a plain array of numbers costs twice the bytes on 64-bit V8. */
class IntVector {
  private data = new Int32Array(1024);
  length = 0;

  get(i: number): number {
    return this.data[i]!;
  }

  set(i: number, value: number): void {
    this.data[i] = value;
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

export class SubjectIndex {
  /** Every subject (IRI or `_:label`) and object IRI seen, numbered in order of first sight. */
  private readonly ids = new Map<string, number>();
  private readonly terms: string[] = [];
  /** Per term: the record that describes it, SEVERAL or NOBODY. */
  private readonly owners = new IntVector();
  /** Per term: its list of types (0 for none), each distinct list kept once. */
  private readonly typeOf = new IntVector();
  private readonly typeLists: (readonly string[])[] = [[]];
  private readonly typeListIds = new Map<string, number>([['', 0]]);
  /** Per record: its subjects and its objects, in the order its facts list them. */
  private readonly subjectsOf: Int32Array[] = [];
  private readonly objectsOf: Int32Array[] = [];
  /** The N-Triples terms of the subjects several records describe: the dumps write their statements once. */
  readonly sharedTerms = new Set<string>();
  /** The documents of every subject (IRIs without their fragment): the pages there are. */
  readonly documents = new Set<string>();

  /**
   * Adds what record `record` says. The first call for a record remembers its subjects and objects for
   * `sharedSubjects` and `pointed`; a later one (the dataset graph once the vocabulary joined it) adds owners and
   * types only.
   */
  describe(record: number, facts: RecordFacts): void {
    const subjects = new Int32Array(facts.subjects.length);
    facts.subjects.forEach(([s, text], k) => {
      const id = this.id(s);
      subjects[k] = id;
      const o = this.owners.get(id);
      if (o === NOBODY) this.owners.set(id, record);
      else if (o !== record && o !== SEVERAL) {
        this.owners.set(id, SEVERAL);
        this.sharedTerms.add(text);
      }
      if (!s.startsWith('_:')) {
        const hash = s.indexOf('#');
        this.documents.add(hash === -1 ? s : s.slice(0, hash));
      }
    });
    for (const [s, list] of facts.types) {
      const id = this.id(s);
      const known = this.typeLists[this.typeOf.get(id)]!;
      const added = list.filter((t, k) => !known.includes(t) && list.indexOf(t) === k);
      // Sorted: records are described in file order while reading and in id order after, and the list must
      // not depend on which.
      if (added.length > 0) this.typeOf.set(id, this.typeList([...known, ...added].sort()));
    }
    if (this.subjectsOf[record] !== undefined) return;
    this.subjectsOf[record] = subjects;
    this.objectsOf[record] = Int32Array.from(facts.objects, (o) => this.id(o));
  }

  /** Whether more than one record describes `key` (an IRI, or `_:label`). */
  isShared(key: string): boolean {
    const id = this.ids.get(key);
    return id !== undefined && this.owners.get(id) === SEVERAL;
  }

  /** The types the records give `iri`, or undefined when they give none. */
  typesOf(iri: string): readonly string[] | undefined {
    const id = this.ids.get(iri);
    const list = id === undefined ? 0 : this.typeOf.get(id);
    return list === 0 ? undefined : this.typeLists[list];
  }

  /** The subjects of `record` that other records describe too, in its facts' order. */
  sharedSubjects(record: number): string[] {
    const out: string[] = [];
    for (const id of this.subjectsOf[record] ?? []) if (this.owners.get(id) === SEVERAL) out.push(this.terms[id]!);
    return out;
  }

  /** Whether `record` describes a subject other records describe too. */
  describesShared(record: number): boolean {
    return (this.subjectsOf[record] ?? []).some((id) => this.owners.get(id) === SEVERAL);
  }

  /** Each object of `record` that it does not describe itself, with the types the records give it. */
  pointed(record: number): string[] {
    const out: string[] = [];
    for (const id of this.objectsOf[record] ?? []) {
      if (this.owners.get(id) === record) continue;
      out.push(`${this.terms[id]!} ${this.typeLists[this.typeOf.get(id)]!.join(' ')}`);
    }
    return out;
  }

  private id(term: string): number {
    const known = this.ids.get(term);
    if (known !== undefined) return known;
    const id = this.terms.length;
    this.ids.set(term, id);
    this.terms.push(term);
    this.owners.push(NOBODY);
    this.typeOf.push(0);
    return id;
  }

  private typeList(list: readonly string[]): number {
    const key = list.join(' ');
    const known = this.typeListIds.get(key);
    if (known !== undefined) return known;
    this.typeLists.push(list);
    this.typeListIds.set(key, this.typeLists.length - 1);
    return this.typeLists.length - 1;
  }
}
