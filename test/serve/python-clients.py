# Runs Python's own SPARQL clients (SPARQLWrapper, rdflib) against the endpoint given as argv[1]; prints what each got as JSON.
import json
import sys
from urllib.parse import urlencode

from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

endpoint = sys.argv[1]
select = """PREFIX schema: <http://schema.org/>
SELECT ?name WHERE { ?o a schema:GovernmentOrganization ; schema:name ?name } ORDER BY ?name"""
construct = """PREFIX schema: <http://schema.org/>
CONSTRUCT { ?o schema:name ?name } WHERE { ?o a schema:GovernmentOrganization ; schema:name ?name }"""
out = {}

sw = SPARQLWrapper(endpoint)
sw.setQuery(select)
sw.setReturnFormat(JSON)
out["wrapper_json"] = [b["name"]["value"] for b in sw.query().convert()["results"]["bindings"]]

sw = SPARQLWrapper(endpoint)
sw.setQuery(select)
sw.setReturnFormat(XML)
doc = sw.query().convert()
out["wrapper_xml"] = [n.firstChild.data for n in doc.getElementsByTagName("literal")]

sw = SPARQLWrapper(endpoint)
sw.setQuery(construct)
sw.setReturnFormat(TURTLE)
turtle = sw.query().convert()
g = Graph()
g.parse(data=turtle.decode("utf-8") if isinstance(turtle, bytes) else turtle, format="turtle")
out["wrapper_turtle"] = sorted(str(o) for o in g.objects())

for fmt in ("json", "xml"):
    store = SPARQLStore(endpoint, returnFormat=fmt)
    out[f"rdflib_{fmt}"] = [str(row[0]) for row in Graph(store).query(select)]

# rdflib's SPARQLStore asks CONSTRUCT results only as RDF/XML; rdflib reads the Turtle one straight from the protocol URL.
g = Graph()
g.parse(endpoint + "?" + urlencode({"query": construct}), format="turtle")
out["rdflib_construct"] = sorted(str(o) for o in g.objects())

print(json.dumps(out))
