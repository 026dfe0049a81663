"""Write ``cases.json`` from the W3C SPARQL 1.1 Protocol manifest beside this file (``manifest.ttl``).

Each case: its name, its label, the graphs it needs (file and graph IRI) and its requests in order,
each with its method, path, headers and body as the manifest gives them, and what its answer must be:
status classes (``2xx``…), format (``boolean``, ``tabular``, ``RDF``) and boolean.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

HERE = Path(__file__).resolve().parent
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS = "http://www.w3.org/2011/http-statusCodes#StatusCode"


def cases(manifest: Graph) -> list[dict]:
    [root] = manifest.subjects(RDF.type, MF.Manifest)
    found = []
    for test in Collection(manifest, manifest.value(root, MF.entries)):
        data = sorted(
            (
                {
                    "file": str(manifest.value(d, UT.graph)).rsplit("/", 1)[1],
                    "graph": str(manifest.value(d, RDFS.label)),
                }
                for d in manifest.objects(test, UT.graphData)
            ),
            key=lambda d: d["graph"],
        )
        action = manifest.value(test, MF.action)
        requests = []
        for request in Collection(manifest, manifest.value(action, HT.requests)):
            headers = manifest.value(request, HT.headers)
            body = manifest.value(request, HT.body)
            response = manifest.value(request, HT.resp)
            boolean = manifest.value(response, MF.expectedBoolean)
            fmt = manifest.value(response, MF.expectedFormat)
            requests.append(
                {
                    "method": str(manifest.value(request, HT.methodName)),
                    "path": str(manifest.value(request, HT.absolutePath)),
                    "headers": {
                        str(manifest.value(h, HT.fieldName)): str(manifest.value(h, HT.fieldValue))
                        for h in (Collection(manifest, headers) if headers is not None else [])
                    },
                    "body": str(manifest.value(body, CNT.chars)) if body is not None else None,
                    "status": sorted(
                        str(s).removeprefix(STATUS) for s in manifest.objects(response, MF.expectedStatus)
                    ),
                    "format": str(fmt) if fmt is not None else None,
                    "boolean": boolean.toPython() if boolean is not None else None,
                }
            )
        found.append(
            {
                "name": str(test).rsplit("#", 1)[1],
                "label": str(manifest.value(test, MF.name)),
                "data": data,
                "requests": requests,
            }
        )
    return found


if __name__ == "__main__":
    graph = Graph().parse(HERE / "manifest.ttl", format="turtle")
    found = cases(graph)
    (HERE / "cases.json").write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(found)} cases written to {HERE / 'cases.json'}")
