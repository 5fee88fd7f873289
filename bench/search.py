"""Benchmark of the repository's search: `python -m bench.search --docs N`.

Generates a bilingual corpus of N published practices (Spanish, English, some in both) whose
words follow a Zipf distribution (300–1,500 words each) in a throwaway database — a separate
SQLite file under var/bench/, or a `<name>_bench_search` database next to the one DATABASE_URL
names — never the working database. Then runs 300 queries in three groups of 100:

- common: one term found in at least 30% of the documents;
- multi: two or three terms together;
- rare: a term found in fewer than 0.5% of documents, or a prefix (`word*`);

each through the HTTP API (GET /api/v1/practices/search, anonymous, via Django's test client)
without facets and again with two facets chosen (two of type, theme, country, year, language
and axis, with values found in the corpus, drawn for each query), and through the engine's raw
ranked queries — no access rules, no facets:

- unbounded: the engine's own ranking function evaluated over EVERY match with no bound
  (SQLite: FTS5's bm25() over every match; PostgreSQL: ts_rank over the head vector of every
  match found through the GIN index; see practices/search/backends). "The engine's own top 20"
  is this query's first 20;
- bounded: the ranking of earlier versions, the same function over only the most recent matches
  (2,000 on SQLite, 300 on PostgreSQL), printed as a reference beside it.

For each group it prints the overlap of the API's page 1 with the engine's own top 20 (the share
of those 20 that page 1 holds, averaged over the queries) and how many queries share no result
with it, the same for the bounded reference, and p50/p95 of every measure. A naive `icontains`
scan over the practices' text on a sample is the baseline. It ends with one line:

    search docs=N db=sqlite|postgresql p50_ms=… p95_ms=… facets_p95_ms=… raw_p95_ms=… bounded_p95_ms=…
        overlap_common=… overlap_multi=… overlap_rare=… bounded_overlap_common=… … naive_p95_ms=…

Every sample counts: each of `--repeat` passes (2 by default) runs every query once per measure,
and p50/p95 are taken over all of them. The queries and the facets chosen are drawn with
`--seed` from the corpus's word counts (read back from the index, so a kept corpus gives the
same queries as a fresh one). `--keep` reuses a corpus of the same size from an earlier run
(generation at 100k takes minutes).
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

GROUP_SIZE = 100
NAIVE_SAMPLE = 30
ZIPF_S = 1.05
VOCABULARY = 30_000

# Real words of the domain take the most frequent ranks; invented words make the long tail.
SPANISH_HEAD = """
niñez migrante protección niños niñas adolescentes retorno familia atención institución nacional
programa centro cuidado alternativo acogida psicosocial consular reintegración comunidad derechos
prevención migración irregular frontera servicio apoyo municipio escuela salud educación red enlace
funcionarios oficina país países región regional proceso procedimiento caso casos registro
identificación referencia evaluación interés superior participación coordinación capacitación
protocolo guía estudio resultado resultados lecciones aprendidas réplica contexto descripción
acompañamiento retornados retornos migrantes familias comunitario comunitaria albergue albergues
""".split()
ENGLISH_HEAD = """
children migrant protection child adolescents return family care institution national program
centre alternative reception psychosocial consular reintegration community rights prevention
migration irregular border service support municipality school health education network liaison
officials office country countries region regional process procedure case cases registration
identification referral assessment best interests participation coordination training protocol
guide study result results lessons learned replication context description accompaniment returnees
returns migrants families foster shelter shelters unaccompanied separated guardianship
""".split()
SYLLABLES_ES = "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga go gu la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va ve vi za zo".split()  # noqa: E501
SYLLABLES_EN = "bar ber bin bor cal cen dor fen gar hal ken lor mar nel par quin ros sal ter val win yor zen ith ond ack ell ump ost".split()  # noqa: E501


def invented_words(syllables, count, rng, taken):
    words = []
    while len(words) < count:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(3, 4)))
        if len(word) >= 6 and word not in taken:
            taken.add(word)
            words.append(word)
    return words


def vocabulary(rng):
    taken = set(SPANISH_HEAD) | set(ENGLISH_HEAD)
    spanish = SPANISH_HEAD + invented_words(SYLLABLES_ES, VOCABULARY - len(SPANISH_HEAD), rng, taken)
    english = ENGLISH_HEAD + invented_words(SYLLABLES_EN, VOCABULARY - len(ENGLISH_HEAD), rng, taken)
    weights = list(itertools.accumulate(1 / (rank**ZIPF_S) for rank in range(1, VOCABULARY + 1)))
    return {"es": spanish, "en": english}, weights


def draw(words, weights, count, rng):
    return rng.choices(words, cum_weights=weights, k=count)


def sentences(tokens, rng):
    out, start = [], 0
    while start < len(tokens):
        length = rng.randint(8, 20)
        chunk = tokens[start : start + length]
        out.append(" ".join(chunk).capitalize() + ".")
        start += length
    return " ".join(out)


def make_document(words, weights, rng):
    """Return (fields, the set of words used) for one practice in one language."""
    total = rng.randint(300, 1500)
    title = draw(words, weights, rng.randint(5, 10), rng)
    summary = draw(words, weights, rng.randint(30, 60), rng)
    body = draw(words, weights, max(total - len(title) - len(summary), 50), rng)
    third = len(body) // 3
    fields = {
        "title": " ".join(title).capitalize(),
        "summary": sentences(summary, rng),
        "context": sentences(body[:third], rng),
        "description": sentences(body[third : 2 * third], rng),
        "results": sentences(body[2 * third :], rng),
    }
    return fields, set(title) | set(summary) | set(body)


# ---- database -----------------------------------------------------------------------------


def throwaway_database(docs, keep):
    """Point Django at a throwaway database and create it (or reuse it with --keep)."""
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # as in production: no query log
    settings.RATE_LIMIT_SEARCH = ""  # one reader sends thousands of searches here: measure them, not the limit
    from django.db import connection

    vendor = connection.vendor
    test = connection.settings_dict.setdefault("TEST", {})
    if vendor == "sqlite":
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        test["NAME"] = str(folder / f"search-{docs}.sqlite3")
        working = Path(settings.DATABASES["default"]["NAME"]).resolve()
        assert Path(test["NAME"]).resolve() != working, "the benchmark never writes the working database"
    else:
        test["NAME"] = f"{connection.settings_dict['NAME']}_bench_search_{docs}"
    old_name = connection.settings_dict["NAME"]
    exists = keep and _exists(connection, test["NAME"], vendor)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keep)
    return vendor, exists, old_name


def _exists(connection, name, vendor):
    if vendor == "sqlite":
        return Path(name).exists()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def generate(docs, rng, log):
    """Create `docs` published practices and index them; return document frequencies per language."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from accounts.models import User
    from network.models import Country, Membership
    from practices.content import snapshot
    from practices.models import Axis, Practice, Status, Theme, Version
    from practices.search import indexing

    words, weights = vocabulary(rng)
    author = User.objects.create_user(email="bench@example.org", password=None)
    codes = ["BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"]
    countries = [Country.objects.get_or_create(code=c, defaults={"membership": Membership.MEMBER})[0] for c in codes]
    themes = list(Theme.objects.all())
    axes = list(Axis.objects.all())
    practice_type = ContentType.objects.get_for_model(Practice)
    frequencies = {"es": Counter(), "en": Counter()}
    languages = Counter()
    started = time.perf_counter()
    batch = 500
    for start in range(0, docs, batch):
        records, extra = [], []
        for _index in range(start, min(start + batch, docs)):
            roll = rng.random()
            lang = "es" if roll < 0.5 else "en"
            fields, used = make_document(words[lang], weights, rng)
            frequencies[lang].update(used)
            languages[lang] += 1
            values = {f"{name}_{lang}": text for name, text in fields.items()}
            if roll > 0.9:  # one in ten has a translated title and summary
                other = "es" if lang == "en" else "en"
                translated, used_other = make_document(words[other], weights, rng)
                values[f"title_{other}"] = translated["title"]
                values[f"summary_{other}"] = translated["summary"]
            start_year = rng.randint(2008, 2025)
            records.append(
                Practice(
                    created_by=author,
                    status=Status.PUBLISHED,
                    original_language=lang,
                    start_year=start_year,
                    end_year=rng.choice([None, start_year + rng.randint(0, 4)]),
                    axis=rng.choice(axes),
                    population=rng.sample(["childhood", "adolescence", "unaccompanied", "returned"], 2),
                    **values,
                )
            )
            extra.append((rng.sample(countries, rng.randint(1, 3)), rng.sample(themes, rng.randint(1, 3))))
        with transaction.atomic():
            records = Practice.objects.bulk_create(records)
            Practice.countries.through.objects.bulk_create(
                [
                    Practice.countries.through(practice_id=r.pk, country_id=c.pk)
                    for r, (cs, _ts) in zip(records, extra, strict=True)
                    for c in cs
                ]
            )
            Practice.themes.through.objects.bulk_create(
                [
                    Practice.themes.through(practice_id=r.pk, theme_id=t.pk)
                    for r, (_cs, ts) in zip(records, extra, strict=True)
                    for t in ts
                ]
            )
            fresh = list(
                Practice.objects.filter(pk__in=[r.pk for r in records]).prefetch_related(
                    "countries", "themes", "implementing_institutions", "resources", "files"
                )
            )
            versions = Version.objects.bulk_create(
                [
                    Version(content_type=practice_type, object_id=r.pk, number=1, data=snapshot(r), published_by=author)
                    for r in fresh
                ]
            )
            for record, version in zip(fresh, versions, strict=True):
                record.published_version = version
            Practice.objects.bulk_update(fresh, ["published_version"])
            indexing.index_records(fresh)
        done = min(start + batch, docs)
        if done % 5000 == 0 or done == docs:
            log(f"  generated {done}/{docs} practices ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO practices_fts(practices_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE practices_searchentry")
            cursor.execute("VACUUM ANALYZE practices_searchtext")
    return frequencies, languages


def frequencies_from_index(log):
    """Count the documents each word is in, per language, from the index's texts (the queries are drawn from them)."""
    from practices.models import SearchText
    from practices.search.text import WORD

    frequencies = {"es": Counter(), "en": Counter()}
    languages = Counter()
    for lang, body_es, body_en, summary_es, summary_en, title_es, title_en in SearchText.objects.values_list(
        "entry__language", "body_es", "body_en", "summary_es", "summary_en", "title_es", "title_en"
    ).iterator(chunk_size=2000):
        text = " ".join((body_es, summary_es, title_es) if lang == "es" else (body_en, summary_en, title_en))
        frequencies[lang].update(set(WORD.findall(text.lower())))
        languages[lang] += 1
    log("  counted the corpus's words")
    return frequencies, languages


# ---- queries ---------------------------------------------------------------------------------


def query_groups(frequencies, languages, docs, rng):
    """Return {group: [query text]}: common terms, 2–3 terms together, rare terms or prefixes."""
    groups = {"common": [], "multi": [], "rare": []}
    pools = {}
    for lang in ("es", "en"):
        counts = sorted(frequencies[lang].items())  # sorted: the same draw whatever order they were counted in
        pools[lang] = {
            "common": [w for w, n in counts if n >= 0.3 * docs],
            "middle": [w for w, n in counts if 0.02 * docs <= n < 0.3 * docs],
            "rare": [w for w, n in counts if 0 < n < max(2, 0.005 * docs)],
        }
    langs = [lang for lang in ("es", "en") if languages[lang]]
    while len(groups["common"]) < GROUP_SIZE:
        lang = rng.choice(langs)
        groups["common"].append(rng.choice(pools[lang]["common"]))
    while len(groups["multi"]) < GROUP_SIZE:
        lang = rng.choice(langs)
        size = rng.choice([2, 3])
        pool = pools[lang]["middle"] + pools[lang]["common"][:20]
        groups["multi"].append(" ".join(rng.sample(pool, size)))
    while len(groups["rare"]) < GROUP_SIZE:
        lang = rng.choice(langs)
        if rng.random() < 0.5 and pools[lang]["rare"]:
            groups["rare"].append(rng.choice(pools[lang]["rare"]))
        else:
            word = rng.choice(pools[lang]["middle"] or pools[lang]["common"])
            groups["rare"].append(word[: rng.randint(4, 5)] + "*")
    return groups


def facet_choices(groups, rng):
    """Return {group: [{facet: [value]}]}: for each query, two facets and a value of each found in the corpus."""
    from django.contrib.auth.models import AnonymousUser

    from practices.search import search

    present = {
        facet.name: sorted(value.value for value in facet.values if value.count)
        for facet in search(AnonymousUser(), "").facets
    }
    names = sorted(name for name, values in present.items() if values)
    return {
        group: [{name: [rng.choice(present[name])] for name in rng.sample(names, 2)} for _text in texts]
        for group, texts in groups.items()
    }


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def overlap(page, reference):
    """Return the share of `reference` (the engine's own top 20) that `page` holds; 1 when both are empty."""
    if not reference:
        return 1.0 if not page else 0.0
    return len(set(page) & set(reference)) / len(reference)


def run_queries(groups, choices, docs, repeat):
    """Run every query `repeat` times per measure; return ({measure: {group: [ms, …]}}, {measure: {group:
    [overlap with the engine's own top 20, …]}}, {group: [hits]}, naive [ms])."""
    from django.db.models import Q
    from django.test import Client

    from practices.models import Practice, SearchEntry
    from practices.search import get_backend, parse

    client = Client()
    backend = get_backend()
    for text in ("warm", groups["common"][0]):  # open the connection, fill caches
        client.get("/api/v1/practices/search", {"q": text})
        backend.raw(parse(text), limit=20)
    entries = dict(SearchEntry.objects.values_list("pk", "kind"))
    objects = dict(SearchEntry.objects.values_list("pk", "object_id"))

    def api_call(text, filters):
        response = client.get("/api/v1/practices/search", {"q": text, **filters})
        assert response.status_code == 200, (text, response.status_code, response.content[:300])
        body = response.json()
        return body["count"], [(row["kind"], row["id"]) for row in body["results"]]

    def engine(text, bounded):
        return [(entries[pk], objects[pk]) for pk, _score in backend.raw(parse(text), limit=20, bounded=bounded)]

    measures = {
        "api": lambda text, index, group: api_call(text, {}),
        "facets": lambda text, index, group: api_call(text, choices[group][index]),
        "raw": lambda text, index, group: engine(text, False),
        "bounded": lambda text, index, group: engine(text, True),
    }
    times = {name: {group: [] for group in groups} for name in measures}
    answers = {name: {group: {} for group in groups} for name in measures}
    # Each pass runs every query once per measure, so no query finds its own pages still in SQLite's
    # cache from the run just before; every pass's time counts.
    for _round in range(repeat):
        for name, call in measures.items():
            for group, texts in groups.items():
                for index, text in enumerate(texts):
                    ms, value = timed(lambda t=text, i=index, g=group, c=call: c(t, i, g))
                    times[name][group].append(ms)
                    answers[name][group][index] = value
    hits = {group: [answers["api"][group][i][0] for i in range(len(texts))] for group, texts in groups.items()}
    overlaps = {
        "api": {
            group: [overlap(answers["api"][group][i][1], answers["raw"][group][i]) for i in range(len(texts))]
            for group, texts in groups.items()
        },
        "bounded": {
            group: [overlap(answers["bounded"][group][i], answers["raw"][group][i]) for i in range(len(texts))]
            for group, texts in groups.items()
        },
    }
    naive = []
    per_group = NAIVE_SAMPLE // 3 if docs <= 20_000 else 3  # a scan of 100k documents takes seconds
    sample = [text for texts in groups.values() for text in texts[:per_group]]
    for text in sample:
        words = [w.rstrip("*") for w in text.split()]

        def scan(words=words):
            rows = Practice.objects.filter(published_version__isnull=False)
            for word in words:
                rows = rows.filter(
                    Q(title_es__icontains=word)
                    | Q(title_en__icontains=word)
                    | Q(summary_es__icontains=word)
                    | Q(summary_en__icontains=word)
                    | Q(context_es__icontains=word)
                    | Q(context_en__icontains=word)
                    | Q(description_es__icontains=word)
                    | Q(description_en__icontains=word)
                    | Q(results_es__icontains=word)
                    | Q(results_en__icontains=word)
                )
            return list(rows.order_by("-updated_at").values_list("pk", flat=True)[:20])

        ms, _rows = timed(scan)
        naive.append(ms)
    return times, overlaps, hits, naive


def report(args, vendor, times, overlaps, hits, naive):
    """Print the tables and the summary line."""
    every = {name: [ms for values in groups.values() for ms in values] for name, groups in times.items()}
    print(
        f"\n{'group':8} {'api p50':>8} {'api p95':>8} {'2 facets p50':>13} {'2 facets p95':>13} "
        f"{'raw p50':>8} {'raw p95':>8} {'bounded p95':>12} {'median hits':>12}"
    )
    for group in times["api"]:
        figures = [percentile(times["api"][group], 0.5), percentile(times["api"][group], 0.95)]
        figures += [percentile(times["facets"][group], 0.5), percentile(times["facets"][group], 0.95)]
        figures += [percentile(times["raw"][group], 0.5), percentile(times["raw"][group], 0.95)]
        figures += [percentile(times["bounded"][group], 0.95)]
        widths = (8, 8, 13, 13, 8, 8, 12)
        print(
            f"{group:8} "
            + " ".join(f"{value:{width}.1f}" for value, width in zip(figures, widths, strict=True))
            + f" {statistics.median(hits[group]):12.0f}"
        )
    print(
        "\noverlap with the engine's own top 20 (its ranking over every match, no bound): "
        "share of those 20 on page 1, mean over the queries; queries sharing none"
    )
    print(f"{'group':8} {'page 1 (API)':>13} {'none':>5} {'bounded reference':>18} {'none':>5}")
    mean_overlap = {}
    for group in times["api"]:
        api, bounded = overlaps["api"][group], overlaps["bounded"][group]
        mean_overlap[group] = (statistics.mean(api), statistics.mean(bounded))
        print(
            f"{group:8} {100 * mean_overlap[group][0]:12.1f}% {sum(1 for v in api if v == 0):5d} "
            f"{100 * mean_overlap[group][1]:17.1f}% {sum(1 for v in bounded if v == 0):5d}"
        )
    samples = len(every["api"])
    p50, p95 = percentile(every["api"], 0.5), percentile(every["api"], 0.95)
    facets_p50, facets_p95 = percentile(every["facets"], 0.5), percentile(every["facets"], 0.95)
    raw_p95, bounded_p95 = percentile(every["raw"], 0.95), percentile(every["bounded"], 0.95)
    naive_p95 = percentile(naive, 0.95)
    print(f"\nevery sample counts: {samples} per measure ({args.repeat} passes over 300 queries), seed {args.seed}")
    print(
        f"API p50 {p50:.1f} ms, p95 {p95:.1f} ms; "
        f"with two facets chosen p50 {facets_p50:.1f} ms, p95 {facets_p95:.1f} ms"
    )
    print(f"engine's own ranking over every match (unbounded, no access rules, no facets): p95 {raw_p95:.1f} ms")
    print(f"bounded reference (the most recent matches only): p95 {bounded_p95:.1f} ms")
    print(f"naive icontains baseline: p95 {naive_p95:.1f} ms over {len(naive)} queries")
    overlaps_line = " ".join(f"overlap_{group}={100 * api:.1f}" for group, (api, _b) in mean_overlap.items())
    bounded_line = " ".join(f"bounded_overlap_{group}={100 * b:.1f}" for group, (_a, b) in mean_overlap.items())
    print(
        f"search docs={args.docs} db={vendor} p50_ms={p50:.1f} p95_ms={p95:.1f} facets_p50_ms={facets_p50:.1f} "
        f"facets_p95_ms={facets_p95:.1f} raw_p95_ms={raw_p95:.1f} bounded_p95_ms={bounded_p95:.1f} "
        f"{overlaps_line} {bounded_line} naive_p95_ms={naive_p95:.1f}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="number of practices in the corpus")
    parser.add_argument("--seed", type=int, default=2017, help="draws the corpus, the queries and their facets")
    parser.add_argument("--keep", action="store_true", help="keep the corpus database and reuse it next time")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the queries; every pass's times count")
    args = parser.parse_args(argv)

    def log(message):
        print(message, flush=True)

    rng = random.Random(args.seed)
    vendor, exists, old_name = throwaway_database(args.docs, args.keep)
    from django.db import connection

    from practices.models import SearchEntry

    try:
        if not (exists and SearchEntry.objects.count() == args.docs):
            if SearchEntry.objects.exists():
                raise SystemExit("The kept corpus is incomplete: run again without --keep.")
            log(f"Generating {args.docs} practices on {vendor}…")
            generate(args.docs, rng, log)
        frequencies, languages = frequencies_from_index(log)
        groups = query_groups(frequencies, languages, args.docs, random.Random(args.seed + 1))
        choices = facet_choices(groups, random.Random(args.seed + 2))
        times, overlaps, hits, naive = run_queries(groups, choices, args.docs, args.repeat)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
    report(args, vendor, times, overlaps, hits, naive)


if __name__ == "__main__":
    main()
