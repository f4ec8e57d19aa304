"""A synthetic, deterministic French content folder for benchmarks and tests (never shipped as content)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from kb.content.kinds import ACTION, AXIS, DOCUMENT, ORGANISATION, PROPOSAL

REGIONS = [
    ("auvergne-rhone-alpes", "Auvergne-Rhône-Alpes", "84"),
    ("bourgogne-franche-comte", "Bourgogne-Franche-Comté", "27"),
    ("bretagne", "Bretagne", "53"),
    ("centre-val-de-loire", "Centre-Val de Loire", "24"),
    ("corse", "Corse", "94"),
    ("grand-est", "Grand Est", "44"),
    ("hauts-de-france", "Hauts-de-France", "32"),
    ("ile-de-france", "Île-de-France", "11"),
    ("normandie", "Normandie", "28"),
    ("nouvelle-aquitaine", "Nouvelle-Aquitaine", "75"),
    ("occitanie", "Occitanie", "76"),
    ("pays-de-la-loire", "Pays de la Loire", "52"),
    ("provence-alpes-cote-d-azur", "Provence-Alpes-Côte d'Azur", "93"),
    ("guadeloupe", "Guadeloupe", "01"),
    ("martinique", "Martinique", "02"),
    ("guyane", "Guyane", "03"),
    ("la-reunion", "La Réunion", "04"),
    ("mayotte", "Mayotte", "06"),
]
SECTORS = [
    ("automobile", "Automobile"),
    ("aeronautique", "Aéronautique"),
    ("pharmacie", "Pharmacie"),
    ("agroalimentaire", "Agroalimentaire"),
    ("chimie-des-materiaux", "Chimie des matériaux"),
    ("portuaire", "Portuaire"),
    ("metallurgie", "Métallurgie"),
    ("textile", "Textile"),
    ("energie", "Énergie"),
    ("numerique", "Numérique"),
    ("batiment", "Bâtiment"),
    ("electronique", "Électronique"),
]
SYNONYMS = [
    ["pmi", "pme", "tpe", "eti"],
    ["made in france", "fabriqué en france", "fabrication française"],
    ["foncier", "terrain", "parcelle"],
    ["commande publique", "achats publics", "marchés publics"],
    ["dérogation", "exemption"],
    ["autorisation", "permis"],
    ["énergie", "énergétique"],
]
VERBS = [
    "Simplifier", "Accélérer", "Sécuriser", "Soutenir", "Réformer", "Financer", "Protéger", "Développer",
    "Moderniser", "Relocaliser", "Décarboner", "Former", "Alléger", "Garantir", "Orienter", "Réduire",
]  # fmt: skip
OBJECTS = [
    "l'accès au foncier industriel", "les procédures d'implantation", "le prix de l'électricité", "la commande publique",
    "la formation des compétences industrielles", "le financement des PME", "la transmission des entreprises",
    "les délais d'autorisation environnementale", "l'apprentissage dans les usines", "la fiscalité de production",
    "les circuits courts régionaux", "la réindustrialisation des territoires", "l'innovation des sous-traitants",
    "la souveraineté énergétique", "l'export des ETI", "les friches industrielles", "l'investissement productif",
    "la décarbonation des procédés", "le recyclage des matériaux", "la cybersécurité des usines",
]  # fmt: skip
TARGETS = ["pour les PME", "pour les TPE", "dans les territoires d'industrie", "des filières stratégiques",
           "en zone rurale", "pour les sous-traitants", "des entreprises familiales", "à l'échelle régionale"]  # fmt: skip
NOUNS = [
    "usine", "atelier", "entreprise", "industriel", "sous-traitant", "chef d'entreprise", "salarié", "apprenti",
    "collectivité", "préfecture", "région", "filière", "marché", "investissement", "compétitivité", "productivité",
    "réglementation", "norme", "procédure", "délai", "foncier", "terrain", "électricité", "énergie", "hydrogène",
    "automatisation", "robotique", "numérisation", "formation", "compétence", "emploi", "territoire", "souveraineté",
    "relocalisation", "décarbonation", "commande publique", "fiscalité", "impôt de production", "trésorerie", "crédit",
    "subvention", "guichet unique", "simplification", "dérogation", "autorisation", "permis de construire", "friche",
    "logistique", "port", "chaîne d'approvisionnement", "matière première", "recyclage", "innovation", "brevet",
]  # fmt: skip
ADJECTIVES = [
    "industriel", "régional", "européen", "national", "durable", "stratégique", "compétitif", "local", "numérique",
    "énergétique", "administratif", "fiscal", "souverain", "innovant", "productif", "écologique", "françaises",
]  # fmt: skip
PHRASES = [
    "Les {n1}s demandent une {n2} plus lisible et un {n3} {a1}.",
    "Le coût de l'{n1} pèse sur la {n2} des PME {a1}s.",
    "La CPME propose de réduire les délais de {n1} à six mois au plus.",
    "Cette mesure vise à renforcer la {n1} {a1} face à la concurrence internationale.",
    "Un guichet unique accompagnerait chaque {n1} dans ses démarches de {n2}.",
    "Les régions disposeraient d'un fonds dédié à la {n1} et à la {n2}.",
    "Il s'agit de protéger le {n1} {a1} et d'accélérer la réindustrialisation.",
    "Les entreprises réclament une visibilité sur le prix de l'énergie et sur la fiscalité.",
    "La mesure s'appuie sur l'expérience des territoires d'industrie et des pôles de compétitivité.",
    "Elle suppose une coordination entre l'État, la région et la {n1} concernée.",
    "Le fabriqué en France deviendrait un critère de la commande publique.",
    "Les sous-traitants de rang deux bénéficieraient d'un accès simplifié au crédit.",
    "Une part des friches serait réservée aux projets d'implantation d'usines.",
    "La formation des apprentis en {n1} répond aux besoins de main-d'œuvre qualifiée.",
    "Le dispositif serait évalué chaque année par un comité réunissant les partenaires sociaux.",
]  # fmt: skip
TAGS = ["foncier", "énergie", "fiscalité", "formation", "export", "innovation", "simplification", "financement",
        "commande-publique", "décarbonation", "apprentissage", "numérique", "recyclage", "logistique"]  # fmt: skip
STATUSES = ["proposee", "en-discussion", "reprise-partiellement", "adoptee", "mise-en-oeuvre", "abandonnee"]
CONFEDERATION = "confederation-essai"
ACTION_STATUSES = ["annoncee", "en-cours", "realisee", "suspendue"]
PARTNERS = ["Chambre de commerce et d'industrie", "Conseil régional", "Bpifrance", "France Travail", "Pôle de compétitivité"]


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def _date(rng: random.Random, year: int = 2025) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _body(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        n1, n2, n3 = rng.sample(NOUNS, 3)
        out.append(rng.choice(PHRASES).format(n1=n1, n2=n2, n3=n3, a1=rng.choice(ADJECTIVES)))
    return " ".join(out)


def _title(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TARGETS)}"


def write_corpus(out: Path, records: int, seed: int = 1) -> dict[str, int]:
    """Write a valid content folder of ``records`` proposals and actions (80/20) into ``out``; return counts."""
    rng = random.Random(seed)
    out = Path(out)
    for folder in ("documents", "axes", "proposals", "actions", "organisations"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    # Who proposes: one confederation and a regional union per region (written without drawing from ``rng``, so that
    # the other records stay those of the same seed).
    source = 'sources:\n  - url: "https://exemple.test/organisations"\n'
    (out / "organisations" / f"{CONFEDERATION}.yaml").write_text(
        "name: \"Confédération d'essai\"\nshort_name: CE\nkind: organisation-patronale\n"
        "summary: \"Une confédération fictive pour les bancs d'essai.\"\n" + source, "utf-8")
    for region, name, _code in REGIONS:
        (out / "organisations" / f"{CONFEDERATION}-{region}.yaml").write_text(
            f"name: {_q('CE ' + name)}\nkind: organisation-patronale\nparent: {CONFEDERATION}\nregion: {region}\n"
            f"summary: {_q('Union régionale fictive : ' + name + '.')}\n" + source, "utf-8")
    (out / "regions.yaml").write_text("".join(f"- id: {i}\n  name: {_q(n)}\n  insee: {_q(c)}\n" for i, n, c in REGIONS), "utf-8")
    (out / "sectors.yaml").write_text("".join(f"- id: {i}\n  name: {_q(n)}\n" for i, n in SECTORS), "utf-8")
    (out / "synonyms.yaml").write_text("".join(f"- {_list(g)}\n" for g in SYNONYMS), "utf-8")
    n_actions = records // 5
    n_props = records - n_actions
    n_docs = max(1, n_props // 200)
    axes: dict[str, list[str]] = {}
    for d in range(n_docs):
        doc = f"doc-{d:04d}"
        (out / "documents" / f"{doc}.yaml").write_text(
            f"title: {_q('Livre blanc ' + str(d + 1) + ' : ' + _title(rng))}\npublisher: \"Confédération d'essai\"\n"
            f"organisations: [{CONFEDERATION}]\n" + ("featured: true\n" if d == 0 else "") +
            f"kind: livre-blanc\npublished: {_q(_date(rng))}\nurl: \"https://exemple.test/documents/{doc}\"\n"
            f"summary: {_q(_body(rng, 30)[:390])}\nannounced_proposals: 200\n",
            "utf-8",
        )
        axes[doc] = []
        for a in range(5):
            axis = f"{doc}-axe-{a + 1}"
            axes[doc].append(axis)
            (out / "axes" / f"{axis}.yaml").write_text(
                f"document: {doc}\ntitle: {_q(rng.choice(VERBS) + ' ' + rng.choice(OBJECTS))}\n"
                f"description: {_q(_body(rng, 20))}\norder: {a + 1}\nsources:\n  - document: {doc}\n",
                "utf-8",
            )
    prop_ids = [f"proposition-{i:06d}" for i in range(n_props)]
    for i, pid in enumerate(prop_ids):
        doc = f"doc-{min(i // 200, n_docs - 1):04d}"
        related = sorted({rng.choice(prop_ids) for _ in range(rng.randint(0, 3))} - {pid})
        history = "".join(
            f"  - date: {_q(_date(rng, 2026))}\n    status: {s}\n    note: \"Étape d'essai.\"\n    source: {doc}\n"
            for s in sorted(rng.sample(STATUSES[:4], rng.randint(0, 2)), key=STATUSES.index)
        )
        (out / "proposals" / f"{pid}.yaml").write_text(
            f"title: {_q(_title(rng))}\nsummary: {_q(_body(rng, 25)[:390])}\nbody: {_q(_body(rng, rng.randint(100, 150)))}\n"
            f"document: {doc}\naxis: {rng.choice(axes[doc])}\nhorizon: {rng.choice(['court-terme', 'long-terme'])}\n"
            f"flagship: {'true' if rng.random() < 0.1 else 'false'}\n"
            f"sectors: {_list(sorted(rng.sample([s for s, _ in SECTORS], rng.randint(1, 3))))}\n"
            f"regions: {_list(sorted(rng.sample([r for r, _, _ in REGIONS], rng.randint(1, 2))))}\n"
            f"status: {rng.choice(STATUSES)}\n" + (f"status_history:\n{history}" if history else "") + ""
            f"tags: {_list(sorted(rng.sample(TAGS, rng.randint(1, 3))))}\nrelated: {_list(related)}\n"
            f"sources:\n  - document: {doc}\n    page: {rng.randint(1, 80)}\n"
            f"published: {_q(_date(rng))}\nupdated: {_q(_date(rng, 2026))}\n",
            "utf-8",
        )
    for i in range(n_actions):
        region = rng.choice(REGIONS)
        (out / "actions" / f"action-{i:06d}.yaml").write_text(
            f"title: {_q(_title(rng) + ' en ' + region[1])}\nsummary: {_q(_body(rng, 25)[:390])}\n"
            f"body: {_q(_body(rng, rng.randint(100, 150)))}\nregion: {region[0]}\norganisation: {CONFEDERATION}-{region[0]}\n"
            f"sectors: {_list(sorted(rng.sample([s for s, _ in SECTORS], rng.randint(1, 2))))}\n"
            f"proposals: {_list(sorted(set(rng.sample(prop_ids, min(len(prop_ids), rng.randint(1, 3))))))}\n"
            f"status: {rng.choice(ACTION_STATUSES)}\npartners: {_list(rng.sample(PARTNERS, 2))}\n"
            f"sources:\n  - url: \"https://exemple.test/actions/{i}\"\n"
            f"published: {_q(_date(rng))}\nupdated: {_q(_date(rng, 2026))}\n",
            "utf-8",
        )
    return {DOCUMENT: n_docs, AXIS: 5 * n_docs, PROPOSAL: n_props, ACTION: n_actions, ORGANISATION: 1 + len(REGIONS)}


def read_queries(path: Path) -> list[tuple[str, dict[str, list[str]]]]:
    """The benchmark's query list: one query a line, ``text | name=value …`` for filters; ``#`` comments."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        text, _, rest = line.partition("|")
        filters: dict[str, list[str]] = {}
        for pair in rest.split():
            name, _, value = pair.partition("=")
            filters.setdefault(name, []).append(value)
        out.append((text.strip(), filters))
    return out
