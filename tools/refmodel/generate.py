#!/usr/bin/env python3
"""Generates labelled reference strings for training citedex's reference labeller.

    python3 tools/refmodel/generate.py OUT.tsv [--styles N] [--items N] [--seed S] [--jobs J]

Sources, all from Debian packages (nothing from ../shared):
  - every BibTeX file under /usr/share/texlive and /usr/share/doc/texlive-doc (packages
    texlive-bibtex-extra, texlive-humanities, texlive-lang-*, texlive-publishers,
    texlive-science), converted to CSL-JSON by pandoc;
  - CSL styles from citation-style-language-styles (/usr/share/citation-style-language/styles);
  - pandoc's citeproc, which renders each record in a style.

Each string field of a record (title, container, publisher, …) is wrapped in a pair of
private-use marker characters before rendering, so the rendered string says which field each
character came from; names and dates, which citeproc reformats, are labelled afterwards by
matching the record's name parts and year. Besides the records as they are, records are
recombined from the pool of real field values (a chapter's book from another record, editors
from another record's authors, …) so that every type meets every style.

Output: one token per line, `LABEL<TAB>TOKEN`, a blank line between references. Tokens are
the whitespace-separated words of the rendered string.
"""
import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

STYLES = "/usr/share/citation-style-language/styles"
BIB_ROOTS = ["/usr/share/texlive", "/usr/share/doc/texlive-doc"]

# Labels of marked CSL variables.
MARKED = {
    "title": "title",
    "container-title": "container",
    "collection-title": "collection",
    "publisher": "publisher",
    "publisher-place": "location",
    "volume": "volume",
    "issue": "issue",
    "page": "pages",
    "edition": "edition",
    "DOI": "identifier",
    "URL": "identifier",
    "ISBN": "identifier",
    "ISSN": "identifier",
    "genre": "note",
    "note": "note",
    "number": "volume",
}
LABELS = sorted(set(MARKED.values()) | {"author", "editor", "translator", "date", "other"})
OPEN = {label: chr(0xE100 + i) for i, label in enumerate(LABELS)}
LABEL_OF = {v: k for k, v in OPEN.items()}
CLOSE = "\ue1ff"
NAME_ROLES = [("author", "author"), ("editor", "editor"), ("translator", "translator")]
CONNECTORS = {"and", "&", "et", "al", "al.", "und", "et.", "eds", "ed", "edited", "by", "trans",
              "translated", "hrsg", "hg", "éd", "éds", "dir", "y", "e", "i", "editors", "editor",
              "en", "och", "og", "и", "ed.", "eds.", "herausgegeben", "von", "sous", "la"}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]


def load_records():
    records = []
    files = []
    for root in BIB_ROOTS:
        files += glob.glob(os.path.join(root, "**", "*.bib"), recursive=True)
    for f in sorted(set(files)):
        try:
            out = subprocess.run(["pandoc", "-f", "bibtex", "-t", "csljson", f], capture_output=True,
                                 timeout=120, text=True)
            items = json.loads(out.stdout) if out.returncode == 0 and out.stdout.strip() else []
        except Exception:
            items = []
        for it in items:
            if isinstance(it, dict) and it.get("title"):
                records.append(it)
    seen, unique = set(), []
    for r in records:
        key = re.sub(r"\W+", "", str(r.get("title")).lower())[:80]
        if key and key not in seen:
            seen.add(key)
            unique.append(r)
    return unique


def year_of(rec):
    try:
        return int(rec["issued"]["date-parts"][0][0])
    except Exception:
        return None


def good_names(names):
    return [n for n in names or [] if isinstance(n, dict) and (n.get("family") or n.get("literal"))]


def recombine(pool, rng):
    """A new record of a random type from real field values of other records."""
    def pick(field):
        values = pool.get(field)
        return rng.choice(values) if values else None

    kind = rng.choices(["book", "article-journal", "chapter", "thesis", "report", "article-newspaper",
                        "paper-conference", "webpage"], [30, 28, 22, 4, 4, 5, 5, 2])[0]
    title = pick("title")
    if title and ":" not in title and rng.random() < 0.3:
        sub = pick("title")
        if sub:
            title = f"{title}: {sub}"
    rec = {"type": kind, "title": title}
    authors = pick("author")
    while authors and rng.random() < 0.3 and len(authors) < 8:
        authors = authors + (pick("author") or [])
    if rng.random() < 0.93:
        rec["author"] = authors
    year = rng.randint(1850, 2024) if rng.random() < 0.5 else (pick("year") or 1990)
    if rng.random() < 0.97:
        date = [year]
        if kind in ("article-newspaper", "webpage") or rng.random() < 0.08:
            date += [rng.randint(1, 12)] + ([rng.randint(1, 28)] if rng.random() < 0.6 else [])
        rec["issued"] = {"date-parts": [date]}
    if kind in ("book", "chapter", "thesis", "report", "paper-conference"):
        if rng.random() < 0.85:
            rec["publisher"] = pick("publisher")
            # imprints named after people: `P. F. Collier & Son`, `M. E. Sharpe`, `W. W. Norton`
            person = (pick("author") or [{}])[0]
            if rng.random() < 0.12 and person.get("family"):
                given = person.get("given") or ""
                initials = " ".join(w[0] + "." for w in given.split() if w and w[0].isalpha())
                rec["publisher"] = (initials + " " if initials and rng.random() < 0.7 else "") + person["family"] + \
                    rng.choice(["", "", " & Son", " & Sons", " & Co.", ", Inc.", " and Company", " Verlag"])
        if rng.random() < 0.75:
            rec["publisher-place"] = pick("publisher-place")
        if rng.random() < 0.12:
            rec["edition"] = str(rng.randint(2, 6))
        if rng.random() < 0.12:
            rec["collection-title"] = pick("container-title")
            if rng.random() < 0.5:
                rec["collection-number"] = str(rng.randint(1, 300))
    if kind == "book" and rng.random() < 0.1:
        rec["editor"] = pick("author")
        if rng.random() < 0.5:
            rec.pop("author", None)
    if kind in ("chapter", "paper-conference"):
        rec["container-title"] = pick("book-title") or pick("title")
        if rng.random() < 0.7:
            rec["editor"] = pick("author")
        if rng.random() < 0.85:
            a = rng.randint(1, 600)
            rec["page"] = f"{a}–{a + rng.randint(1, 60)}"
    if kind in ("article-journal", "article-newspaper"):
        rec["container-title"] = pick("container-title")
        if kind == "article-journal":
            if rng.random() < 0.85:
                rec["volume"] = str(rng.randint(1, 120))
            if rng.random() < 0.55:
                rec["issue"] = str(rng.randint(1, 12))
        if rng.random() < 0.85:
            a = rng.randint(1, 900)
            rec["page"] = f"{a}–{a + rng.randint(1, 40)}" if rng.random() < 0.9 else str(a)
    if kind == "thesis":
        rec["genre"] = rng.choice(["PhD thesis", "Ph.D. dissertation", "Master's thesis", "Thèse de doctorat"])
    if rng.random() < 0.06:
        rec["translator"] = pick("author")
    if rng.random() < 0.05:
        rec["DOI"] = f"10.{rng.randint(1000, 9999)}/{rng.randint(10000, 999999)}"
    if kind == "webpage" or rng.random() < 0.03:
        rec["URL"] = "https://www.example.org/" + re.sub(r"\W+", "-", str(rec["title"]).lower())[:30]
    if kind == "book" and rng.random() < 0.04:
        rec["ISBN"] = "978-" + "-".join(str(rng.randint(0, 9999)) for _ in range(3)) + "-" + str(rng.randint(0, 9))
    return {k: v for k, v in rec.items() if v}


def make_pool(records):
    pool = {}
    for r in records:
        for f in ("title", "container-title", "publisher", "publisher-place"):
            v = r.get(f)
            if isinstance(v, str) and 2 <= len(v) <= 200:
                key = "book-title" if f == "title" and r.get("type") == "book" else f
                if r.get("type") in ("article-journal", "chapter", "paper-conference") and f == "container-title":
                    key = "container-title" if r.get("type") == "article-journal" else "book-title"
                pool.setdefault(key, []).append(v)
                if key == "book-title":
                    pool.setdefault("title", []).append(v)
        names = good_names(r.get("author"))
        if names and len(names) <= 8:
            pool.setdefault("author", []).append(names)
        y = year_of(r)
        if y:
            pool.setdefault("year", []).append(y)
    return pool


def mark(rec, i):
    out = {"id": f"r{i}", "type": rec.get("type") or "book"}
    for k, v in rec.items():
        if k in ("id", "type"):
            continue
        if k in MARKED and isinstance(v, (str, int)):
            s = str(v)
            if not s.strip():
                continue
            out[k] = OPEN[MARKED[k]] + s + CLOSE
        elif k in ("author", "editor", "translator", "issued", "collection-number"):
            out[k] = v
    return out


def name_words(names):
    """The words of the names' parts, and the initials of their given names."""
    words, initials = set(), set()
    for n in names or []:
        for part in ("family", "given", "literal", "non-dropping-particle", "dropping-particle", "suffix"):
            v = n.get(part)
            if not v:
                continue
            for w in re.split(r"[\s\-‐]+", str(v)):
                core = re.sub(r"[\W_]+", "", w.lower())
                if core:
                    words.add(core)
                    if part == "given":
                        words.add(core[0])
                        initials.add(core[0])
    return words, initials


def is_name_token(core, names):
    words, initials = names
    return core in words or (len(core) <= 4 and all(c in initials for c in core))


def strip_core(token):
    return re.sub(r"[\W_]+", "", token.lower())


def label_entry(text, rec):
    """Tokens and labels of one rendered entry (with markers)."""
    labels_by_char, clean, current = [], [], None
    for ch in text:
        if ch in LABEL_OF:
            current = LABEL_OF[ch]
            continue
        if ch == CLOSE:
            current = None
            continue
        clean.append(ch)
        labels_by_char.append(current)
    clean = "".join(clean)
    names = {role: name_words(rec.get(field)) for role, field in NAME_ROLES}
    year = year_of(rec)
    parts = (rec.get("issued") or {}).get("date-parts") or [[]]
    month = parts[0][1] if len(parts[0]) > 1 else None
    tokens = []
    for m in re.finditer(r"\S+", clean):
        tok = m.group()
        marked = [labels_by_char[k] for k in range(m.start(), m.end())
                  if labels_by_char[k] and clean[k].isalnum()]
        if not marked and not any(c.isalnum() for c in tok):
            inside = [labels_by_char[k] for k in range(m.start(), m.end()) if labels_by_char[k]]
            # `&` in `Weidenfeld & Nicolson`: inside a field when both neighbours are
            if inside or (m.start() > 0 and m.end() < len(clean) and labels_by_char[m.start() - 2 if m.start() > 1 else 0]
                          and labels_by_char[m.start() - 2 if m.start() > 1 else 0] == labels_by_char[min(m.end() + 1, len(clean) - 1)]):
                marked = inside or [labels_by_char[m.start() - 2]]
        if marked:
            label = max(set(marked), key=marked.count)
        else:
            core = strip_core(tok)
            label = "other"
            if year and re.fullmatch(rf"\(?\[?{year}[a-z]?[\]\).,;:]*", tok):
                label = "date"
            elif month and core[:3] == MONTHS[int(month) - 1][:3] and len(core) >= 3:
                label = "date"
            elif core == "nd":
                label = "date"
            elif core and not core.isdigit():
                for role, _ in NAME_ROLES:
                    if is_name_token(core, names[role]):
                        label = role
                        break
            elif core.isdigit() and month and len(core) <= 2:
                label = "date"
            if label == "other" and re.fullmatch(r"[—–_\-]{2,}[.,]?", tok):
                label = "author"
        tokens.append([tok, label])
    # Connectors (`and`, `eds.`, `et al.`) between or after names take the names' label.
    for i, (tok, label) in enumerate(tokens):
        if label != "other" or strip_core(tok) not in CONNECTORS and tok not in ("&", "(eds.)", "(ed.)"):
            continue
        prev = tokens[i - 1][1] if i else None
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else None
        if prev in ("author", "editor", "translator"):
            tokens[i][1] = prev
        elif nxt in ("editor", "translator") and strip_core(tok) in ("ed", "edited", "by", "trans", "translated", "eds", "hrsg", "hg", "éd", "dir"):
            tokens[i][1] = nxt
    return tokens


LOCALES = ["en-US"] * 10 + ["en-GB"] * 2 + ["fr-FR", "de-DE", "es-ES", "it-IT", "pt-BR", "ru-RU", "nl-NL"]


def render(style, batch, tmpdir, tag, lang="en-US", notes=False, rng=None):
    """Bibliography entries of the batch in a style; with `notes`, the first footnote
    citation of each record instead (`Name, Title (Place: Publisher, 1988), 20.`)."""
    bib = os.path.join(tmpdir, f"{tag}.json")
    md = os.path.join(tmpdir, f"{tag}.md")
    with open(bib, "w", encoding="utf-8") as fh:
        json.dump(batch, fh, ensure_ascii=False)
    with open(md, "w", encoding="utf-8") as fh:
        if notes:
            fh.write(f"---\nlang: {lang}\nsuppress-bibliography: true\n---\n")
            for item in batch:
                loc = f", {rng.randint(1, 400)}" if rng and rng.random() < 0.6 else ""
                fh.write(f"Text.[@{item['id']}{loc}]\n\n")
        else:
            fh.write(f"---\nlang: {lang}\nnocite: '@*'\n---\n")
    try:
        out = subprocess.run(["pandoc", md, "--citeproc", "--bibliography", bib, "--csl", style,
                              "-t", "plain", "--wrap=none"], capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return []
    if out.returncode != 0:
        return []
    paras = [p.strip() for p in out.stdout.split("\n\n") if p.strip()]
    if notes:
        return [re.sub(r"^\[\d+\]\s*", "", p) for p in paras if re.match(r"^\[\d+\]\s", p)]
    return paras


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--styles", type=int, default=400)
    ap.add_argument("--items", type=int, default=120, help="records per style")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    cache = os.path.join(tempfile.gettempdir(), "refmodel-records.json")
    if os.path.exists(cache):
        with open(cache, encoding="utf-8") as fh:
            records = json.load(fh)
    else:
        records = load_records()
        with open(cache, "w", encoding="utf-8") as fh:
            json.dump(records, fh, ensure_ascii=False)
    print(f"{len(records)} records", file=sys.stderr)
    pool = make_pool(records)
    styles = []
    for f in sorted(glob.glob(os.path.join(STYLES, "*.csl"))):
        with open(f, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        if "<bibliography" in text:
            styles.append(f)
    rng.shuffle(styles)
    styles = styles[: args.styles]
    jobs = []
    for k, style in enumerate(styles):
        batch = []
        for i in range(args.items):
            rec = rng.choice(records) if rng.random() < 0.35 else recombine(pool, rng)
            batch.append(rec)
        jobs.append((k, style, batch))

    tmpdir = tempfile.mkdtemp(prefix="refmodel-")
    written = 0

    def work(job):
        k, style, batch = job
        marked = [mark(r, i) for i, r in enumerate(batch)]
        by_title = {}
        for i, m in enumerate(marked):
            by_title.setdefault(strip_core(str(m.get("title", "")))[:60], []).append(i)
        style_text = open(style, encoding="utf-8", errors="replace").read()
        local = random.Random(k)
        lang = local.choice(LOCALES)
        notes = 'class="note"' in style_text and local.random() < 0.5
        entries = render(style, marked, tmpdir, f"s{k}", lang, notes, local)
        numeric = 'variable="citation-number"' in style_text and not notes
        out = []
        for e in entries:
            found = re.search(OPEN["title"] + "(.*?)" + CLOSE, e)
            if not found:
                continue
            ids = by_title.get(strip_core(OPEN["title"] + found.group(1) + CLOSE)[:60]) or \
                by_title.get(strip_core(found.group(1))[:60])
            if not ids or len(ids) != 1:
                continue
            if numeric:
                e = re.sub(r"^\s*(\[\d+\]|\(\d+\)|\d+\.|\d+)\s+", "", e)
            tokens = label_entry(e, batch[ids[0]])
            if 3 <= len(tokens) <= 120:
                out.append(tokens)
        return out

    with open(args.out, "w", encoding="utf-8") as fh, ThreadPoolExecutor(args.jobs) as ex:
        for seqs in ex.map(work, jobs):
            for seq in seqs:
                for tok, label in seq:
                    fh.write(f"{label}\t{tok}\n")
                fh.write("\n")
                written += 1
    print(f"{written} references from {len(styles)} styles", file=sys.stderr)


if __name__ == "__main__":
    main()
