"""The ``claimgraph`` command: a thin click layer over the ``extract`` and ``graph`` packages.

Exit codes: 0 success; 1 an error (the message says how to fix it); 2 a usage
error; 3 the build finished but some inputs were skipped (each named on stderr).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import click

from extract.errors import ClaimgraphError
from extract.ingest import DEFAULT_MAX_BYTES, Skipped
from extract.pipeline import DEFAULT_BATCH_SIZE
from graph import evaluate
from graph.atomic import atomic_output
from graph.build import build as run_build
from graph.export import FORMATS
from graph.export import export as run_export
from graph.query import FORMATS as query_formats
from graph.query import run_query, write_answer
from graph.store import open_store, store_path_default

EXIT_SKIPPED = 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Skip files larger than this.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Documents per spaCy batch.",
)
@click.option("--force", is_flag=True, help="Extract every document again, even if unchanged.")
@click.option("--progress/--no-progress", default=None, help="Progress bar [default: on a terminal only].")
@click.pass_obj
def build(
    store: Path, paths: tuple[str, ...], max_bytes: int, batch_size: int, force: bool, progress: bool | None
) -> None:
    """Extract entities and claims from PATHS into the store.

    PATHS are files, folders (every *.txt, *.md, *.html below them) or - for
    standard input. A file that is empty, binary, undecodable or too large is
    named on stderr and skipped; the rest builds, and the exit code is 3.

    Example:

        claimgraph build seeds/
    """

    def warn(item: Skipped) -> None:
        click.echo(f"warning: skipped {item.name}: {item.reason}", err=True)

    try:
        report = run_build(
            list(paths),
            store,
            max_bytes=max_bytes,
            batch_size=batch_size,
            force=force,
            stdin=sys.stdin.buffer,
            on_skip=warn,
            progress=progress,
        )
    except ClaimgraphError as e:
        raise click.ClickException(str(e)) from e
    click.echo(
        f"built {store}: {report.extracted} extracted, {report.kept} unchanged, "
        f"{len(report.skipped)} skipped",
        err=True,
    )
    if report.skipped:
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("-o", "--output", default="-", show_default=True, help="File to write, or - for stdout.")
@click.pass_obj
def export(store: Path, fmt: str, output: str) -> None:
    """Export the graph (JSON Lines as shared/eval/EXPORT.md defines, Turtle, N-Quads).

    Files are written atomically: a failed export leaves no half-written file.

    Example:

        claimgraph export --format nquads -o graph.nq
    """
    try:
        with atomic_output(output) as out:
            run_export(open_store(store), fmt, out)
    except BrokenPipeError:
        sys.stderr.close()
    except ClaimgraphError as e:
        raise click.ClickException(str(e)) from e


@main.command(name="eval")
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    required=True,
    help="Folder of gold JSON files (shared/eval/GUIDELINES.md).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def eval_(store: Path, gold_dir: Path, fmt: str) -> None:
    """Score the store's extraction against gold annotations.

    Prints entity, claim and target P/R/F1 (the same figures as
    shared/eval/score.py on the JSON Lines export), then per-type,
    per-document and claim-type confusion tables.

    Example:

        claimgraph eval --gold ../shared/eval/seeds-gold
    """
    try:
        graph = open_store(store)
        buffer = io.BytesIO()
        run_export(graph, "jsonl", buffer)
        records = [json.loads(line) for line in buffer.getvalue().decode("utf-8").splitlines()]
        scores = evaluate.score(records, gold_dir, evaluate.document_texts(graph))
    except (ClaimgraphError, KeyError) as e:
        raise click.ClickException(f"cannot evaluate: {e}") from e
    if fmt == "json":
        click.echo(json.dumps(scores.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(evaluate.format_table(scores))


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.File("r", encoding="utf-8"), help="Read the query from a file.")
@click.option("--format", "fmt", type=click.Choice(query_formats), default="table", show_default=True)
@click.option("-o", "--output", default="-", show_default=True, help="File to write, or - for stdout.")
@click.pass_obj
def query(store: Path, sparql: str | None, query_file, fmt: str, output: str) -> None:
    """Run a SPARQL query over the graph (all documents' graphs as the default graph).

    Prefixes cg:, entity:, prov:, oa:, skos:, rdfs: and dcterms: are predeclared.

    Example:

        claimgraph query 'SELECT ?name (COUNT(*) AS ?n) WHERE { ?c cg:speaker/skos:prefLabel ?name }
        GROUP BY ?name ORDER BY DESC(?n) LIMIT 5'
    """
    if (sparql is None) == (query_file is None):
        raise click.UsageError("give a query, or -f FILE.rq")
    text = sparql if sparql is not None else query_file.read()
    try:
        answer = run_query(open_store(store), text)
        with atomic_output(output) as out:
            write_answer(answer, fmt, out)
    except BrokenPipeError:
        sys.stderr.close()
    except ClaimgraphError as e:
        raise click.ClickException(str(e)) from e
