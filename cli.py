"""The ``claimgraph`` command: a thin click layer over the ``extract`` and ``graph`` packages.

Exit codes: 0 success; 1 an error (the message says how to fix it); 2 a usage
error; 3 the build finished but some inputs were skipped (each named on stderr).
"""

from __future__ import annotations

import inspect
import io
import json
import os
import signal
import sys
import tempfile
import threading
from contextlib import suppress
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from extract.errors import ClaimgraphError
from graph.exports.formats import FORMATS
from graph.exports.formats import export as run_export
from graph.exports.formats import export_to as run_export_to
from graph.sparql import guard, queries
from graph.sparql.defaults import (
    DEFAULT_HOST,
    DEFAULT_MAX_MEMORY,
    DEFAULT_MAX_ROWS,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
)
from graph.sparql.query import FORMATS as query_formats
from graph.sparql.query import paged, standalone, write_answer
from graph.store.atomic import atomic_output
from graph.store.reader import document_texts
from graph.store.store import open_store, store_path_default
from graph.views.rows import FORMATS as row_formats

if TYPE_CHECKING:
    from extract.ingest import Skipped

EXIT_SKIPPED = 3
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
"""What a shell reports for a program stopped by a closed pipe (``claimgraph export | head``)."""


class Commands(click.Group):
    """The command group: one place that turns errors into a line and an exit code.

    ``ClaimgraphError`` (the message says what to do) is an error line and exit 1; a reader that closed
    the pipe ends the command quietly with ``EXIT_BROKEN_PIPE``; ``SIGTERM`` and ``SIGHUP`` unwind like
    Ctrl-C, so a build or an export stopped that way removes what it had half written.
    """

    def invoke(self, ctx: click.Context) -> object:
        main_thread = threading.current_thread() is threading.main_thread()
        stops = [(signum, signal.signal(signum, _stop)) for signum in _STOPS] if main_thread else []
        try:
            return super().invoke(ctx)
        except ClaimgraphError as e:
            raise click.ClickException(str(e)) from e
        except BrokenPipeError:
            with suppress(OSError, ValueError):  # nothing more can reach the reader: flush into nowhere
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_BROKEN_PIPE)
        finally:
            for signum, handler in stops:
                signal.signal(signum, handler)


_STOPS = (signal.SIGTERM, signal.SIGHUP)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def printable(name: str) -> str:
    r"""``name`` as it can be printed on one line: quoted and escaped if it holds control characters.

    >>> print(printable("新闻.txt"), printable("a\nwarning: forged"))
    新闻.txt 'a\nwarning: forged'
    """
    return name if name.isprintable() else repr(name)


class _Default:
    """An option's default that lives in a module the other commands need not import (``extract.ingest``
    reads HTML, dates and charsets): click calls it when the option is used and prints it in ``--help``."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self) -> Any:
        return getattr(import_module(self.module), self.name)

    def __str__(self) -> str:
        return str(self())


def _default_batch_size() -> int:
    """The pipeline's batch size, read when `build` runs."""
    from extract.batching import DEFAULT_BATCH_SIZE

    return DEFAULT_BATCH_SIZE


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Store folder [default: $CLAIMGRAPH_STORE, else ./.claimgraph].",
)
@click.version_option(package_name="claimgraph")
@click.pass_context
def main(ctx: click.Context, store: Path | None) -> None:
    """Turn news and forum text into an entity and claim knowledge graph (RDF).

    Example:

        claimgraph build seeds/ && claimgraph export --format jsonl -o out.jsonl
    """
    ctx.obj = store or store_path_default()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=_Default("extract.ingest", "DEFAULT_MAX_BYTES"),
    show_default=True,
    help="Skip files larger than this.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=_default_batch_size,
    show_default=True,
    help="Documents per spaCy batch.",
)
@click.option("--force", is_flag=True, help="Extract every document again, even if unchanged.")
@click.option("--progress/--no-progress", default=None, help="Progress bar [default: on a terminal only].")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction processes on this machine [default: every core].",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where extraction runs: worker processes here, or a dask.distributed cluster (--scheduler).",
)
@click.option("--scheduler", metavar="ADDRESS", help="The Dask scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option(
    "--partitions",
    metavar="URL",
    help="--engine dask: where workers write their partitions (a folder, s3://BUCKET/PATH…) "
    "[default: STORE/partitions].",
)
@click.option(
    "--partition-size",
    type=click.IntRange(min=1),
    default=None,
    help="--engine dask: documents per partition, a multiple of --batch-size [default: each worker "
    "gets 8 partitions or more, of at most 8 batches].",
)
@click.option(
    "--partitions-only",
    is_flag=True,
    help="--engine dask: write the partitions and the derived graphs (see load-into --list) for a "
    "server's offline loader, without the embedded store; every document is extracted, but for those "
    "in partitions already written.",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="ROLE=NAME",
    callback=lambda ctx, param, value: _fields(value),
    help="The column or key of JSON Lines and CSV rows that holds ROLE (text, id, title, url, date, "
    "outlet, author, lang), instead of the common names; repeatable.",
)
@click.pass_obj
def build(
    store: Path,
    paths: tuple[str, ...],
    max_bytes: int,
    batch_size: int,
    force: bool,
    progress: bool | None,
    workers: int | None,
    engine: str,
    scheduler: str | None,
    partitions: str | None,
    partition_size: int | None,
    partitions_only: bool,
    fields: dict[str, str],
) -> None:
    """Extract entities and claims from PATHS into the store.

    PATHS are files, folders (every *.txt, *.md, *.html, *.jsonl, *.ndjson,
    *.csv below them, the last three also .gz) or - for standard input. A file
    that is empty, binary, undecodable or too large is named on stderr and
    skipped; the rest builds, and the exit code is 3.

    A JSON Lines or CSV file gives a document a row, its fields found by
    common names (text/content/body, id, title/headline, url/link,
    date/published/pubDate, source/outlet/site/publisher, author, lang) or
    named with --field; a row without text is named by file and line and
    skipped, like a bad file. --max-bytes applies to each row.

    Documents stream through in batches, extracted by --workers processes
    (default: every core) or on a Dask cluster (--engine dask --scheduler
    ADDRESS), whose workers write partitions to --partitions, bulk-loaded
    here and by `claimgraph load-into`; every way gives the same store, byte
    for byte.

    Example:

    \b
        claimgraph build seeds/
        claimgraph build --workers 8 corpus/
        claimgraph build --engine dask --scheduler tcp://10.0.0.5:8786 \
            --partitions s3://bucket/claimgraph corpus/
        claimgraph build --field text=article_body --field date=pub_time news.jsonl.gz
    """

    from graph.store.build import build as run_build  # spaCy: loaded only to build

    report = run_build(
        list(paths),
        store,
        max_bytes=max_bytes,
        batch_size=batch_size,
        force=force,
        stdin=sys.stdin.buffer,
        on_skip=_skipped,
        on_wait=_note,
        progress=progress,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        partitions=partitions,
        partition_size=partition_size,
        partitions_only=partitions_only,
        fields=fields,
    )
    removed = f"{report.removed} removed, " if report.removed else ""
    resumed = f" ({report.resumed} from partitions already written)" if report.resumed else ""
    built = f"built {store}"
    if partitions_only:
        built = f"wrote the partitions at {partitions or store / 'partitions'}"
    click.echo(
        f"{built}: {report.extracted} extracted{resumed}, {report.kept} unchanged, {removed}"
        f"{len(report.skipped)} skipped",
        err=True,
    )
    if report.skipped:
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="File to write, or - for stdout; for csv a folder, or a file ending in .zip.",
)
@click.pass_obj
def export(store: Path, fmt: str, output: str) -> None:
    """Export the graph for other tools.

    \b
    jsonl    records as shared/eval/EXPORT.md defines (entities, documents,
             posts, mentions, claims)
    nquads   every quad, document graphs kept (sorted lines)
    trig     every quad, graph by graph, with prefixes
    jsonld   every quad, graphs kept, short keys from graph/exports/context.jsonld
    turtle   the union of all graphs (graph names lost)
    graphml  the claim network for Gephi, Cytoscape, yEd: one edge per
    gexf     (speaker, target, claim type) with count and first quote
    csv      entities, claims, claim_speakers, claim_targets, mentions,
             documents .csv, headers for neo4j-admin import
             (-o FOLDER or -o FILE.zip)

    Files are written atomically (a failed export leaves no half-written
    file) and the same store always gives the same bytes.

    Example:

    \b
        claimgraph export --format nquads -o graph.nq
        claimgraph export --format gexf -o claims.gexf
        claimgraph export --format csv -o tables.zip
    """
    run_export_to(open_store(store), fmt, output)


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_analyses", is_flag=True, help="List the analyses and exit.")
@click.option("--format", "fmt", type=click.Choice(row_formats), default="table", show_default=True)
@click.option("--top", type=click.IntRange(min=1), help="Only the first N rows.")
@click.option("-o", "--output", default="-", show_default=True, help="File to write, or - for stdout.")
@click.option("--since", metavar="DATE", help="Only claims dated DATE (2025-01-31) or later; drops undated.")
@click.option("--until", metavar="DATE", help="Only claims dated DATE or earlier; drops undated ones.")
@click.option(
    "--entity",
    "entities",
    multiple=True,
    metavar="ENTITY",
    help="Only the claims of this entity (made or received); twice: those between the two.",
)
@click.option(
    "--period",
    type=click.Choice(["day", "week", "month", "year"]),
    default="month",
    show_default=True,
    help="Periods of claims-over-time.",
)
@click.pass_obj
def analyze(
    store: Path,
    name: str | None,
    list_analyses: bool,
    fmt: str,
    top: int | None,
    output: str,
    since: str | None,
    until: str | None,
    entities: tuple[str, ...],
    period: str,
) -> None:
    """Run a network analysis NAME on the claim graph and print its rows.

    Who is central, who is accused most and by whom, who is for or against
    whom, which groups argue among themselves, which accusations were answered,
    who is mentioned together. --list names them all.

    Example:

    \b
        claimgraph analyze --list
        claimgraph analyze most-accused --top 5
        claimgraph analyze claim-responses --format csv -o responses.csv
        claimgraph analyze most-accused --since 2025-01-01 --until 2025-03-31
        claimgraph analyze claims-over-time --entity 卢特尼克 --entity DeepSeek
    """
    from graph.store.network import dated_between, involving, load_comentions, load_network
    from graph.views.analyses import ANALYSES  # networkx and SciPy: loaded only here
    from graph.views.maps import resolve_node
    from graph.views.rows import write_rows

    if list_analyses:
        width = max(map(len, ANALYSES))
        for key, analysis in ANALYSES.items():
            click.echo(f"{key:<{width}}  {analysis.description}")
        return
    if name is None:
        raise click.UsageError("name an analysis (claimgraph analyze --list shows them)")
    if name not in ANALYSES:
        raise click.UsageError(f"no analysis {name!r}: use one of {', '.join(ANALYSES)}")
    analysis = ANALYSES[name]
    graph = open_store(store)
    if analysis.network == "comentions":
        if since or until or entities:
            raise click.UsageError("--since, --until and --entity select claims: comentions counts mentions")
        rows = analysis.function(load_comentions(graph))
    else:
        network = dated_between(load_network(graph), since, until)
        if entities:
            network = involving(network, [resolve_node(network.nodes, e, "--entity") for e in entities])
        options = {"period": period} if "period" in inspect.signature(analysis.function).parameters else {}
        rows = analysis.function(network, **options)
    with atomic_output(output) as out:
        write_rows(rows[:top] if top else rows, fmt, out)


@main.command()
@click.argument("doc")
@click.option(
    "--colour/--no-colour",
    "--color/--no-color",
    default=None,
    help="Colour the claims by type [default: on a terminal].",
)
@click.pass_obj
def show(store: Path, doc: str, colour: bool | None) -> None:
    """Print document DOC with its claims marked, then who claims what about whom.

    DOC is a document's name as built (or its file name alone, when only one
    document has it). Each claim's words are bracketed where they stand,
    [1 … 1], its cue underlined on a terminal; the list after the text gives
    each claim's speaker, targets, type, cue and offsets.

    Example:

    \b
        claimgraph show 000_8e1a6d06941d07ba.txt
        claimgraph show news.jsonl#a17 --no-colour | less
    """
    from graph.store.reader import document_records, entity_names
    from graph.views.reading import render_document

    graph = open_store(store)
    text, recs = document_records(graph, doc)
    on = sys.stdout.isatty() if colour is None else colour
    click.echo(render_document(text, recs, entity_names(graph), colour=on), color=on)


@main.command(name="map")
@click.option("-o", "--output", default="map.html", show_default=True, help="HTML file, or - for stdout.")
@click.option("--focus", metavar="ENTITY", help="Map around this entity: a name or alias (简/繁), id or IRI.")
@click.option("--hops", type=click.IntRange(min=1), default=1, show_default=True, help="Claims from --focus.")
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="TYPES",
    help="Claim types to show, comma-separated (accusation,denial,...); repeatable. Default: all.",
)
@click.option("--doc", "docs", multiple=True, metavar="NAME", help="Only claims in document NAME (repeat).")
@click.option("--since", metavar="DATE", help="Only claims dated DATE (2025-01-31) or later; drops undated.")
@click.option("--until", metavar="DATE", help="Only claims dated DATE or earlier; drops undated ones.")
@click.option("--max-nodes", type=click.IntRange(min=1), help="Keep only the N most central entities.")
@click.option("--title", help="Heading of the page [default: Who said what about whom].")
@click.pass_obj
def map_(
    store: Path,
    output: str,
    focus: str | None,
    hops: int,
    types: tuple[str, ...],
    docs: tuple[str, ...],
    since: str | None,
    until: str | None,
    max_nodes: int | None,
    title: str | None,
) -> None:
    """Write an interactive network map of who said what about whom: one HTML file.

    Entities are nodes (colour and shape by type, size by centrality); an
    arrow from speaker to target stands for their claims of one type. Click an
    edge or an entity to read its quotes in context, with document, floor,
    date and offsets. The file makes no network request: it opens offline.

    Example:

    \b
        claimgraph map -o map.html
        claimgraph map --focus 卢特尼克 --hops 2 --type accusation,denial -o lutnick.html
    """
    from graph.views.maps import MapFilter, map_html  # networkx, OpenCC and Jinja: loaded only for maps

    if focus is not None and not focus.strip():
        raise click.BadParameter("give an entity's name, id or IRI", param_hint="--focus")
    flt = MapFilter(
        focus=focus,
        hops=hops,
        types=tuple(t.strip() for group in types for t in group.split(",") if t.strip()),
        docs=docs,
        since=since,
        until=until,
        max_nodes=max_nodes,
    )
    page, counts = map_html(open_store(store), flt, title=title)
    with atomic_output(output) as out:
        out.write(page)
    click.echo(
        f"wrote {output}: {counts['entities']} entities, {counts['links']} links, {counts['claims']} claims "
        f"from {counts['documents']} document{'s' if counts['documents'] != 1 else ''}",
        err=True,
    )


@main.command(name="eval")
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    required=True,
    help="Folder of gold JSON files (shared/eval/GUIDELINES.md).",
)
@click.option(
    "--docs",
    "docs_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Build these documents into a temporary store and score that, not the store.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def eval_(store: Path, gold_dir: Path, docs_dir: Path | None, fmt: str) -> None:
    """Score the store's extraction against gold annotations.

    Prints entity, claim and target P/R/F1 (the same figures as
    shared/eval/score.py on the JSON Lines export), then per-type,
    per-document, per-class (when the gold claims have a "class") and
    claim-type confusion tables. With --docs, the documents are built into a
    temporary store first (the store is not touched).

    Example:

    \b
        claimgraph eval --gold ../shared/eval/seeds-gold
        claimgraph eval --docs tests/data/devset/tune/docs --gold tests/data/devset/tune/gold
    """
    from extract import evaluate  # OpenCC's converters: loaded only to score

    with tempfile.TemporaryDirectory(prefix="claimgraph-eval-") as tmp:
        if docs_dir is not None:
            from graph.store.build import build as run_build  # spaCy: loaded only to build

            store = Path(tmp) / "store"
            run_build([str(docs_dir)], store, progress=False, on_skip=_skipped)
        try:
            graph = open_store(store)
            buffer = io.BytesIO()
            run_export(graph, "jsonl", buffer)
            records = [json.loads(line) for line in buffer.getvalue().decode("utf-8").split("\n") if line]
            scores = evaluate.score(records, gold_dir, document_texts(graph))
        except (ClaimgraphError, KeyError) as e:
            raise click.ClickException(f"cannot evaluate: {e}") from e
        del graph
    if fmt == "json":
        click.echo(json.dumps(scores.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(evaluate.format_table(scores))


def _fields(options: tuple[str, ...]) -> dict[str, str]:
    """``--field ROLE=NAME`` options as ``{role: name}``, or a usage error naming the accepted roles."""
    from extract.rows import parse_fields

    try:
        return parse_fields(options)
    except ClaimgraphError as e:
        raise click.BadParameter(str(e)) from e


def _skipped(item: Skipped) -> None:
    click.echo(f"warning: skipped {printable(item.name)}: {printable(item.reason)}", err=True)


@main.command()
@click.argument("sparql", required=False)
@click.option(
    "-f", "--file", "query_file", type=click.File("r", encoding="utf-8"), help="Read the query from a file."
)
@click.option("-n", "--name", "query_name", metavar="NAME", help="Run a shipped query (see --list).")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Bind ?KEY to VALUE as an RDF term (an IRI, an entity's name, a date, a number, a string).",
)
@click.option("--list", "list_queries", is_flag=True, help="List the shipped queries and exit.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    help="Page size: the number of the query's LIMIT clause (shipped queries page in one), or a LIMIT added.",
)
@click.option("--offset", type=click.IntRange(min=0), help="Where the page starts: the OFFSET, likewise.")
@click.option(
    "--show-query",
    is_flag=True,
    help="Print the query for another SPARQL endpoint instead of running it: standard SPARQL 1.1 with "
    "its prefixes declared, its parameters bound as VALUES blocks and its page set.",
)
@click.option("--format", "fmt", type=click.Choice(query_formats), default="table", show_default=True)
@click.option("-o", "--output", default="-", show_default=True, help="File to write, or - for stdout.")
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let the query use SERVICE: fetch the URLs it names (refused by default, as by `serve`).",
)
@click.pass_obj
def query(
    store: Path,
    sparql: str | None,
    query_file,
    query_name: str | None,
    params: tuple[str, ...],
    list_queries: bool,
    limit: int | None,
    offset: int | None,
    show_query: bool,
    fmt: str,
    output: str,
    allow_service: bool,
) -> None:
    """Run a SPARQL query over the graph (all documents' graphs as the default graph).

    Give the query as SPARQL text, with -f FILE.rq, or by the name of a
    shipped query (--list shows them). --param KEY=VALUE binds the variable
    ?KEY to one RDF term, never pasted into the query text: an IRI, or an
    entity by any of its names; 2025-01-31 as xsd:date; 12 as xsd:integer.

    Prefixes cg:, entity:, prov:, oa:, skos:, rdfs: and dcterms: are predeclared.

    Shipped queries that list a large graph give one page (the documents,
    pairs or entities the query says); --limit and --offset choose another.

    Example:

    \b
        claimgraph query --name claims-by-speaker --param entity='Howard Lutnick'
        claimgraph query --name claims-about --param entity=DeepSeek --offset 20
        claimgraph query 'SELECT ?name (COUNT(*) AS ?n) WHERE { ?c cg:speaker/skos:prefLabel ?name }
        GROUP BY ?name ORDER BY DESC(?n) LIMIT 5'
    """
    if list_queries:
        shipped = queries.shipped()
        width = max(len(name) for name in shipped)
        for q in shipped.values():
            names = " ".join(f"?{p.name}" for p in q.params)
            click.echo(f"{q.name:<{width}}  {q.description}" + (f"  [{names}]" if names else ""))
        return
    if sum(x is not None for x in (sparql, query_file, query_name)) != 1:
        raise click.UsageError("give a query, -f FILE.rq or --name NAME (--list shows the names)")
    if query_name is not None:
        text = queries.named(query_name).sparql
    else:
        text = sparql if sparql is not None else query_file.read()
    text = paged(text, limit, offset)
    if not show_query:
        try:
            guard.check(text, allow_service=allow_service)
        except guard.Refused as e:
            hint = ": add --allow-service to let it" if e.status == 403 else ""
            raise ClaimgraphError(f"{e}{hint}") from None
    graph = open_store(store)
    values = queries.parse_params(params)
    if show_query:
        from graph.store.push import with_prefixes  # requests: loaded only to push or show a query

        bound = queries.bind(graph, text, values, warn=_note)
        with atomic_output(output) as out:
            out.write(with_prefixes(standalone(text, bound)).encode("utf-8"))
        return
    answer = queries.execute(graph, text, values, warn=_note)
    try:
        with atomic_output(output) as out:
            write_answer(answer, fmt, out)
    except (BrokenPipeError, ClaimgraphError):
        raise
    except (OSError, RuntimeError) as e:  # raised by the engine while it evaluates, row by row
        raise click.ClickException(f"the query failed while it ran: {e}") from e


def _note(message: str) -> None:
    click.echo(f"note: {message}", err=True)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle"]),
    default="text",
    show_default=True,
    help="The violations as pySHACL's text report, or as a SHACL validation report in Turtle.",
)
@click.pass_obj
def validate(store: Path, fmt: str) -> None:
    """Check the store against the SHACL shapes (shapes.ttl) with pySHACL.

    Prints the violations, one block each. Exit codes (as pySHACL's): 0 the
    store conforms; 1 it does not; 2 it could not be validated (no store...).

    Example:

        claimgraph validate && echo conforms
    """
    from graph.store.validate import validate_store  # pySHACL: loaded only for this command

    try:
        conforms, text, report = validate_store(open_store(store))
    except ClaimgraphError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)
    if fmt == "turtle":
        click.echo(report.serialize(format="turtle"))
    elif conforms:
        click.echo(f"{store}: conforms to shapes.ttl")
    else:
        click.echo(text)
    sys.exit(0 if conforms else 1)


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on (0.0.0.0: all).")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds a query may run; then it is stopped and the answer is HTTP 503.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_ROWS,
    show_default=True,
    help="Most rows (or triples) in an answer; a larger one is refused with HTTP 413.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Queries evaluated at once, each in its own process; at most half of them run queries that "
    "use over half a second of CPU, so the others are always free for short ones.",
)
@click.option(
    "--allow-update",
    is_flag=True,
    help="Accept SPARQL Update and write it to the store (one worker; builds wait until the server stops).",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=64),
    default=DEFAULT_MAX_MEMORY,
    show_default=True,
    metavar="MB",
    help="Memory one query may use (each worker is capped); a query that needs more gets HTTP 413.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let queries use SERVICE and updates LOAD: the server then fetches URLs its clients name.",
)
@click.pass_obj
def serve(
    store: Path,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    allow_update: bool,
    max_memory: int,
    allow_service: bool,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol at /sparql, with a query page at /.

    Read-only unless --allow-update (updates are otherwise refused with HTTP 403).
    The default graph is the union of all graphs and the ontology's prefixes are
    predeclared, as in `claimgraph query`. Any web page may query it (CORS).
    Queries never fetch other URLs (SERVICE, LOAD: HTTP 403) unless --allow-service;
    the worker processes cannot open network connections.

    Example:

    \b
        claimgraph serve --port 8000 &
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT (COUNT(*) AS ?n) { ?c a cg:Claim }' \\
          http://127.0.0.1:8000/sparql
    """
    from graph.sparql.server import Settings  # Starlette and uvicorn: loaded only to serve
    from graph.sparql.server import serve as run_server

    settings = Settings(
        store,
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        allow_update=allow_update,
        max_memory=max_memory,
        allow_service=allow_service,
    )
    run_server(
        settings,
        on_start=lambda url: click.echo(f"serving {store} at {url}/ (SPARQL: {url}/sparql)", err=True),
        on_warning=lambda message: click.echo(f"warning: {message}", err=True),
    )


@main.command()
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="The server's Graph Store Protocol endpoint (Oxigraph: …/store; Fuseki: …/DATASET/data).",
)
@click.option(
    "--sparql",
    metavar="URL",
    help="The server's SPARQL query endpoint: document graphs it has that the store lacks are deleted.",
)
@click.option("--jobs", type=click.IntRange(min=1), default=4, show_default=True, help="Graphs sent at once.")
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, help="Seconds per request."
)
@click.option("--user", metavar="NAME:PASSWORD", help="HTTP basic authentication.")
@click.option("--progress/--no-progress", default=None, help="Progress bar [default: on a terminal only].")
@click.pass_obj
def push(
    store: Path,
    endpoint: str,
    sparql: str | None,
    jobs: int,
    timeout: float,
    user: str | None,
    progress: bool | None,
) -> None:
    """Copy the store to a SPARQL 1.1 Graph Store Protocol server, graph by graph.

    Each document's graph and the entities, build and ontology graphs are
    PUT as N-Triples to ENDPOINT?graph=IRI, replacing what the server had
    under that name: pushing again is safe, and sends the store as it is now.
    Give the server's query endpoint with --sparql and document graphs no
    longer in the store are deleted there too.

    Example:

    \b
        oxigraph serve --location /srv/claims --union-default-graph &
        claimgraph push --endpoint http://localhost:7878/store --sparql http://localhost:7878/query
    """
    from tqdm import tqdm

    from graph.store.push import push as run_push

    if user is not None and ":" not in user:
        raise click.UsageError("--user takes NAME:PASSWORD")
    auth = tuple(user.split(":", 1)) if user is not None else None
    graph = open_store(store)
    total = sum(1 for _ in graph.named_graphs())
    with tqdm(
        total=total, unit="graph", desc="push", disable=None if progress is None else not progress
    ) as bar:
        report = run_push(
            graph,
            endpoint,
            sparql=sparql,
            jobs=jobs,
            timeout=timeout,
            auth=auth,  # type: ignore[arg-type]
            on_graph=lambda _: bar.update(),
        )
    deleted = f"; deleted {len(report.deleted)} stale document graphs" if report.deleted else ""
    click.echo(f"pushed {report.graphs} graphs ({report.triples:,} triples) to {endpoint}{deleted}", err=True)


@main.command(name="load-into")
@click.option(
    "--endpoint",
    metavar="URL",
    help="A dataset endpoint that adds the quads POSTed to it (Oxigraph: …/store?no_transaction; "
    "Fuseki: …/DATASET).",
)
@click.option(
    "--partitions",
    metavar="URL",
    help="Where the Dask build wrote its partitions [default: STORE/partitions].",
)
@click.option("--list", "list_files", is_flag=True, help="Print the files to load, one a line; load nothing.")
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=600.0, show_default=True, help="Seconds per file."
)
@click.option("--user", metavar="NAME:PASSWORD", help="HTTP basic authentication.")
@click.pass_obj
def load_into(
    store: Path,
    endpoint: str | None,
    partitions: str | None,
    list_files: bool,
    timeout: float,
    user: str | None,
) -> None:
    """Load the partition files of the last `build --engine dask` into a SPARQL server, in bulk.

    Every partition's N-Quads and the derived graphs (entities, duplicates,
    build, ontology) are POSTed to ENDPOINT, which adds them: the server then
    holds the embedded store's quads. Load into an empty dataset; `push`
    keeps one up to date. --list names the files for offline loaders.

    Example:

    \b
        oxigraph serve --location /srv/claims --union-default-graph &
        claimgraph load-into --endpoint 'http://localhost:7878/store?no_transaction'
        oxigraph load --location /srv/claims --file $(claimgraph load-into --list)
        tdb2.tdbloader --loc /srv/tdb2 $(claimgraph load-into --list)
    """
    from graph.store.loading import file_urls
    from graph.store.loading import load_into as run_load
    from graph.store.partitions import Location

    location = Location(partitions or str((store / "partitions").resolve()))
    if list_files:
        click.echo("\n".join(file_urls(location)))
        return
    if endpoint is None:
        raise click.UsageError("give --endpoint URL, or --list")
    if user is not None and ":" not in user:
        raise click.UsageError("--user takes NAME:PASSWORD")
    auth = tuple(user.split(":", 1)) if user is not None else None
    report = run_load(location, endpoint, timeout=timeout, auth=auth)  # type: ignore[arg-type]
    click.echo(f"loaded {report.files} files ({report.bytes:,} bytes) into {endpoint}", err=True)


@main.command(name="train-ner")
@click.option(
    "--corpora",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path("../shared/corpora"),
    show_default=True,
    help="Folder with cluener/train.jsonl and peoples_daily/example.{dev,test}.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where to write the model [default: the shipped extract/ner/model].",
)
@click.option("--seed", type=int, default=0, show_default=True)
def train_ner(corpora: Path, output: Path | None, seed: int) -> None:
    """Train the statistical Chinese NER from the public corpora (about 12 minutes on 2 cores).

    Reproduces the shipped model: same corpora and seed, same weights. Prints
    the held-out P/R/F1 per corpus and label.

    Example:

        claimgraph train-ner --corpora ../shared/corpora -o /tmp/ner-model
    """
    from extract.ner import MODEL_DIR  # spaCy training: loaded only for this command
    from extract.ner.train import train_ner as run_training

    try:
        scores = run_training(corpora, output or MODEL_DIR, seed=seed)
    except (ClaimgraphError, OSError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(json.dumps(scores, ensure_ascii=False, indent=1))
