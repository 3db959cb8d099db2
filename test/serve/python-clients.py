# Runs Python's own SPARQL clients (SPARQLWrapper, rdflib) against the endpoint given as argv[1]; prints what each got as JSON.
# Each entry is what the client returned, reduced to plain values, or {"error": ...} when the client failed.
import json
import sys
import traceback

from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
# (JSONLD is left out: Debian's SPARQLWrapper 1.8 refuses it unless the old rdflib-jsonld plugin is installed.)
from SPARQLWrapper import CSV, JSON, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

endpoint = sys.argv[1]
P = "PREFIX schema: <http://schema.org/>\n"
ORGS = "?o a schema:GovernmentOrganization ; schema:name ?name"
queries = {
    "select": P + "SELECT ?name WHERE { " + ORGS + " } ORDER BY ?name",
    "ask": P + "ASK { " + ORGS + " }",
    "ask_false": P + "ASK { ?o a schema:GovernmentOrganization ; schema:name \"Atlantis\" }",
    "construct": P + "CONSTRUCT { ?o schema:name ?name } WHERE { " + ORGS + " }",
    "construct_limit": P + "CONSTRUCT { ?o schema:name ?name } WHERE { " + ORGS + " } ORDER BY ?name LIMIT 2",
    "describe": P + "DESCRIBE ?o WHERE { " + ORGS + " } ORDER BY ?o LIMIT 1",
}
NAME = URIRef("http://schema.org/name")
out = {}


def attempt(key, fn):
    try:
        out[key] = fn()
    except Exception as e:  # the report names the client's own failure
        out[key] = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-800:]}


def graph_names(g):
    return sorted(str(o) for o in g.objects(None, NAME))


def wrapper(query, fmt=None):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(query)
    if fmt is not None:
        sw.setReturnFormat(fmt)
    result = sw.query()
    return result, result.convert()


def select_values(kind, converted):
    if kind == "json":
        return [b["name"]["value"] for b in converted["results"]["bindings"]]
    if kind == "xml":
        return [n.firstChild.data for n in converted.getElementsByTagName("literal")]
    text = converted.decode("utf-8") if isinstance(converted, bytes) else converted
    sep = "," if kind == "csv" else "\t"
    lines = [l for l in text.replace("\r\n", "\n").split("\n") if l]
    return [l.split(sep)[0].strip('"').split('"@')[0] for l in lines[1:]]


def graph_of(converted, fmt):
    if isinstance(converted, Graph):
        return converted
    g = Graph()
    text = converted.decode("utf-8") if isinstance(converted, bytes) else converted
    if isinstance(text, dict):
        text = json.dumps(text)
    g.parse(data=text, format=fmt)
    return g


# SPARQLWrapper: SELECT in its default format (XML) and every format it can ask for.
for name, fmt, kind in [("default", None, "xml"), ("json", JSON, "json"), ("xml", XML, "xml"), ("csv", CSV, "csv"), ("tsv", TSV, "tsv")]:
    attempt(f"wrapper_select_{name}", lambda fmt=fmt, kind=kind: select_values(kind, wrapper(queries["select"], fmt)[1]))
for name, fmt in [("default", None), ("json", JSON), ("xml", XML)]:
    attempt(f"wrapper_ask_{name}", lambda fmt=fmt: [wrapper(queries["ask"], fmt)[1], wrapper(queries["ask_false"], fmt)[1]])


def ask_value(converted):
    if isinstance(converted, dict):
        return converted["boolean"]
    if hasattr(converted, "getElementsByTagName"):
        return converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    return converted


for name in ["default", "json", "xml"]:
    if not isinstance(out[f"wrapper_ask_{name}"], dict):
        out[f"wrapper_ask_{name}"] = [ask_value(v) for v in out[f"wrapper_ask_{name}"]]

# CONSTRUCT and DESCRIBE: the default (RDF/XML, read into an rdflib Graph) and every graph format.
for form in ["construct", "construct_limit", "describe"]:
    for name, fmt, parse_as in [("default", None, "xml"), ("rdfxml", RDFXML, "xml"), ("xml", XML, "xml"), ("turtle", TURTLE, "turtle"),
                                ("n3", N3, "n3"),
                                # JSON is no graph format to SPARQLWrapper: it sends Accept */*, and gets the default, Turtle.
                                ("json", JSON, "turtle")]:
        def run(form=form, fmt=fmt, parse_as=parse_as):
            g = graph_of(wrapper(queries[form], fmt)[1], parse_as)
            return graph_names(g) if form != "describe" else sorted({str(s) for s in g.subjects()})
        attempt(f"wrapper_{form}_{name}", run)

# rdflib's SPARQLStore, with its default formats (XML results; RDF/XML graphs) and JSON for tables.
for name, kwargs in [("default", {}), ("json", {"returnFormat": "json"}), ("xml", {"returnFormat": "xml"})]:
    def store_graph(kwargs=kwargs):
        return Graph(SPARQLStore(endpoint, **kwargs))
    attempt(f"rdflib_select_{name}", lambda store_graph=store_graph: [str(row[0]) for row in store_graph().query(queries["select"])])
    attempt(f"rdflib_ask_{name}", lambda store_graph=store_graph: [bool(store_graph().query(queries["ask"])),
                                                                   bool(store_graph().query(queries["ask_false"]))])
attempt("rdflib_construct_default", lambda: graph_names(Graph(SPARQLStore(endpoint)).query(queries["construct"]).graph))
attempt("rdflib_construct_limit_default", lambda: graph_names(Graph(SPARQLStore(endpoint)).query(queries["construct_limit"]).graph))
attempt("rdflib_describe_default", lambda: sorted({str(s) for s in Graph(SPARQLStore(endpoint)).query(queries["describe"]).graph.subjects()}))

print(json.dumps(out))
